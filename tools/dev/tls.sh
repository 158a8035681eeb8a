#!/usr/bin/env bash
# A self-signed certificate for local HTTPS/WSS (gateway, realtime), under .stack/tls (git-ignored).
ensure_local_tls() {
  TLS_DIR="$ROOT/.stack/tls"
  if [ ! -f "$TLS_DIR/cert.pem" ] || [ ! -f "$TLS_DIR/key.pem" ]; then
    command -v openssl >/dev/null 2>&1 || die "tls: openssl is required for the local certificate: apt-get install -y openssl"
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
    chmod 600 "$TLS_DIR/key.pem"
    say "tls: generated a self-signed certificate in .stack/tls (trust it with --cacert .stack/tls/cert.pem)"
  fi
}
