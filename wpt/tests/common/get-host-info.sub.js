/**
 * The test origins, by the names and with the values of upstream WPT's
 * common/get-host-info.sub.js (so upstream tests run unchanged), filled in by
 * wptserve's `sub` pipe from the configuration wpt/run.py builds with
 * upstream's host names (see wpt/README.md, "Origins"). With P/P2 the two
 * HTTP ports and S/S2 the two HTTPS ports (free ports picked at each run):
 *
 *   HTTP_ORIGIN                        http://web-platform.test:P        not secure
 *   HTTPS_ORIGIN                       https://web-platform.test:S       secure
 *   HTTP_REMOTE_ORIGIN                 http://www1.web-platform.test:P   same site
 *   HTTPS_REMOTE_ORIGIN                https://www1.web-platform.test:S  same site
 *   HTTP_NOTSAMESITE_ORIGIN            http://not-web-platform.test:P
 *   HTTPS_NOTSAMESITE_ORIGIN           https://not-web-platform.test:S
 *   UNAUTHENTICATED_ORIGIN             http://www2.web-platform.test:P
 *   AUTHENTICATED_ORIGIN               https://www2.web-platform.test:S
 *   HTTP_ORIGIN_WITH_DIFFERENT_PORT    http://web-platform.test:P2
 *   HTTP_REMOTE_ORIGIN_WITH_DIFFERENT_PORT  http://www1.web-platform.test:P2
 *   ORIGIN, REMOTE_ORIGIN, OTHER_ORIGIN    the page's scheme, on the page's
 *                                          host, www1 and www2
 *
 * Ours, not upstream's: HTTPS_ORIGIN_WITH_DIFFERENT_PORT (S2),
 * HTTPS_REMOTE_ORIGIN_WITH_DIFFERENT_PORT, HTTP_REMOTE_ORIGIN_2 and
 * HTTPS_REMOTE_ORIGIN_2 (a second same-site cross-origin host, www2),
 * HTTPS_UNTRUSTED_ORIGIN (https://web-platform.test:U, a certificate signed by
 * a CA the browser does not trust) and HTTP_ORIGIN_PORT_2 (the old name of
 * HTTP_ORIGIN_WITH_DIFFERENT_PORT).
 *
 * All of them are served by the same wptserve on 127.0.0.1; the shell
 * resolves the names through the hosts file the runner writes and trusts the
 * test CA that signed the HTTPS certificate.
 */
function get_host_info() {
  var HTTP_PORT = '{{ports[http][0]}}';
  var HTTP_PORT2 = '{{ports[http][1]}}';
  var HTTPS_PORT = '{{ports[https][0]}}';
  var HTTPS_PORT2 = '{{ports[https][1]}}';
  var HTTPS_UNTRUSTED_PORT = '{{ports[https-untrusted][0]}}';
  var ORIGINAL_HOST = '{{host}}';                 // web-platform.test
  var REMOTE_HOST = '{{domains[www1]}}';          // www1.web-platform.test
  var OTHER_HOST = '{{domains[www2]}}';           // www2.web-platform.test
  var NOTSAMESITE_HOST = '{{hosts[alt][]}}';      // not-web-platform.test
  var IS_HTTPS = self.location.protocol === 'https:';
  var PORT = IS_HTTPS ? HTTPS_PORT : HTTP_PORT;
  var PORT2 = IS_HTTPS ? HTTPS_PORT2 : HTTP_PORT2;

  // "scheme://host:port", leaving out the scheme's default port.
  function origin(scheme, host, port) {
    var default_port = scheme === 'https' ? '443' : '80';
    return scheme + '://' + host + (port === default_port ? '' : ':' + port);
  }
  function http(host, port) { return origin('http', host, port || HTTP_PORT); }
  function https(host, port) { return origin('https', host, port || HTTPS_PORT); }
  function same_scheme(host) { return IS_HTTPS ? https(host) : http(host); }

  return {
    HTTP_PORT: HTTP_PORT,
    HTTP_PORT2: HTTP_PORT2,
    HTTPS_PORT: HTTPS_PORT,
    HTTPS_PORT2: HTTPS_PORT2,
    HTTPS_UNTRUSTED_PORT: HTTPS_UNTRUSTED_PORT,
    PORT: PORT,
    PORT2: PORT2,
    ORIGINAL_HOST: ORIGINAL_HOST,
    REMOTE_HOST: REMOTE_HOST,
    OTHER_HOST: OTHER_HOST,
    NOTSAMESITE_HOST: NOTSAMESITE_HOST,

    ORIGIN: same_scheme(ORIGINAL_HOST),
    REMOTE_ORIGIN: same_scheme(REMOTE_HOST),
    OTHER_ORIGIN: same_scheme(OTHER_HOST),
    HTTP_ORIGIN: http(ORIGINAL_HOST),
    HTTPS_ORIGIN: https(ORIGINAL_HOST),
    HTTPS_ORIGIN_WITH_CREDS: https('foo:bar@' + ORIGINAL_HOST),
    HTTP_ORIGIN_WITH_DIFFERENT_PORT: http(ORIGINAL_HOST, HTTP_PORT2),
    HTTPS_ORIGIN_WITH_DIFFERENT_PORT: https(ORIGINAL_HOST, HTTPS_PORT2),
    HTTP_REMOTE_ORIGIN: http(REMOTE_HOST),
    HTTPS_REMOTE_ORIGIN: https(REMOTE_HOST),
    HTTPS_REMOTE_ORIGIN_WITH_CREDS: https('foo:bar@' + REMOTE_HOST),
    HTTP_REMOTE_ORIGIN_WITH_DIFFERENT_PORT: http(REMOTE_HOST, HTTP_PORT2),
    HTTPS_REMOTE_ORIGIN_WITH_DIFFERENT_PORT: https(REMOTE_HOST, HTTPS_PORT2),
    HTTP_NOTSAMESITE_ORIGIN: http(NOTSAMESITE_HOST),
    HTTPS_NOTSAMESITE_ORIGIN: https(NOTSAMESITE_HOST),
    UNAUTHENTICATED_ORIGIN: http(OTHER_HOST),
    AUTHENTICATED_ORIGIN: https(OTHER_HOST),

    HTTP_REMOTE_ORIGIN_2: http(OTHER_HOST),
    HTTPS_REMOTE_ORIGIN_2: https(OTHER_HOST),
    HTTPS_UNTRUSTED_ORIGIN: https(ORIGINAL_HOST, HTTPS_UNTRUSTED_PORT),
    HTTP_ORIGIN_PORT_2: http(ORIGINAL_HOST, HTTP_PORT2),
  };
}

// The port of a Location, <a> or URL, also when it is the scheme's default
// (then `port` is the empty string).
function get_port(loc) {
  return loc.port || (loc.protocol === 'https:' ? '443' : '80');
}
