// The test origins, filled in by wptserve's `sub` pipe from the server
// configuration that wpt/run.py builds (see wpt/README.md, "Origins").
// Tests use these instead of hard-coding host names or ports.
//
//   HTTP_ORIGIN           http://127.0.0.1:P1     the page; secure context
//   HTTP_REMOTE_ORIGIN    http://localhost:P2     cross-origin, secure
//   HTTP_REMOTE_ORIGIN_2  http://www.localhost:P1 a second cross-origin, secure
//   HTTP_INSECURE_ORIGIN  http://insecure.test:P1 cross-origin, NOT secure
//   HTTP_ORIGIN_PORT_2    http://127.0.0.1:P2     same host as the page, other port
//
// All of them are served by the same wptserve instance on 127.0.0.1; the
// shell resolves the names through the hosts file the runner writes.
function get_host_info() {
  var HTTP_PORT = '{{ports[http][0]}}';
  var HTTP_PORT_2 = '{{ports[http][1]}}';
  var ORIGINAL_HOST = '{{host}}';
  var REMOTE_HOST = '{{hosts[remote][]}}';
  var REMOTE_HOST_2 = '{{hosts[remote2][]}}';
  var INSECURE_HOST = '{{hosts[insecure][]}}';

  var HTTP_ORIGIN = 'http://' + ORIGINAL_HOST + ':' + HTTP_PORT;
  var HTTP_REMOTE_ORIGIN = 'http://' + REMOTE_HOST + ':' + HTTP_PORT_2;
  return {
    HTTP_PORT: HTTP_PORT,
    HTTP_PORT_2: HTTP_PORT_2,
    ORIGINAL_HOST: ORIGINAL_HOST,
    REMOTE_HOST: REMOTE_HOST,
    REMOTE_HOST_2: REMOTE_HOST_2,
    INSECURE_HOST: INSECURE_HOST,
    ORIGIN: HTTP_ORIGIN,
    REMOTE_ORIGIN: HTTP_REMOTE_ORIGIN,
    HTTP_ORIGIN: HTTP_ORIGIN,
    HTTP_REMOTE_ORIGIN: HTTP_REMOTE_ORIGIN,
    HTTP_REMOTE_ORIGIN_2: 'http://' + REMOTE_HOST_2 + ':' + HTTP_PORT,
    HTTP_INSECURE_ORIGIN: 'http://' + INSECURE_HOST + ':' + HTTP_PORT,
    HTTP_ORIGIN_PORT_2: 'http://' + ORIGINAL_HOST + ':' + HTTP_PORT_2,
  };
}
