"""The certificates of the HTTPS origins (wpt/README.md, "Origins").

Made at each run with trustme (https://github.com/python-trio/trustme, pinned
in wpt/requirements.txt), a small library of the python-trio project built for
exactly this: a throw-away certificate authority for tests, and server
certificates it signs, using the `cryptography` package underneath. Nothing is
kept between runs and no private key is checked in.

    paths = make_certs(directory, host_names)

writes, into `directory`:

- `ca.pem`: the test CA. The shell trusts it (`servo-ff --certificate-path`),
  in addition to the system's roots.
- `server.pem`, `server.key`: the certificate of every test host (one
  certificate, a subjectAltName for each name in `host_names`, plus
  `localhost` and the IP address 127.0.0.1), signed by that CA.
- `untrusted-ca.pem`, `untrusted.pem`, `untrusted.key`: a certificate for the
  same names signed by a second CA that nobody trusts; served on the
  `https-untrusted` port to show that a certificate error fails a fetch.
"""

import os


def make_certs(directory, host_names):
    import trustme

    names = list(dict.fromkeys(list(host_names) + ["localhost", "127.0.0.1"]))
    os.makedirs(directory, exist_ok=True)
    paths = {name: os.path.join(directory, name) for name in (
        "ca.pem", "server.pem", "server.key", "untrusted-ca.pem", "untrusted.pem", "untrusted.key")}
    for ca_file, cert_file, key_file, organization in (
            ("ca.pem", "server.pem", "server.key", "servo-foreign-fetch WPT"),
            ("untrusted-ca.pem", "untrusted.pem", "untrusted.key",
             "servo-foreign-fetch WPT (untrusted)")):
        ca = trustme.CA(organization_name=organization)
        leaf = ca.issue_cert(*names, organization_name=organization)
        ca.cert_pem.write_to_path(paths[ca_file])
        leaf.private_key_pem.write_to_path(paths[key_file])
        with open(paths[cert_file], "wb") as f:  # the leaf (no intermediates)
            for blob in leaf.cert_chain_pems:
                f.write(blob.bytes())
    return {
        "ca": paths["ca.pem"],
        "cert": paths["server.pem"],
        "key": paths["server.key"],
        "untrusted_ca": paths["untrusted-ca.pem"],
        "untrusted_cert": paths["untrusted.pem"],
        "untrusted_key": paths["untrusted.key"],
    }
