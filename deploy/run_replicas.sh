#!/usr/bin/env bash
# Two (or more) normlab replicas on loopback ports behind nginx with sticky sessions.
#
#   deploy/run_replicas.sh start    # replicas on $NORMLAB_PORTS, nginx on $NORMLAB_LISTEN, returns when healthy
#   deploy/run_replicas.sh status   # what runs, per-replica health
#   deploy/run_replicas.sh stop     # stops exactly the processes this script started (pid files)
#
# Settings (environment): NORMLAB_PORTS="8621 8622"  NORMLAB_LISTEN=127.0.0.1:8630
#   NORMLAB_DEPLOY_DIR=/tmp/normlab-deploy (config, pid files, logs)  NORMLAB_PYTHON=<repo>/.venv/bin/python
# nginx runs with its own config in NORMLAB_DEPLOY_DIR, never the system one. See docs/deploy.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${NORMLAB_DEPLOY_DIR:-/tmp/normlab-deploy}"
PORTS="${NORMLAB_PORTS:-8621 8622}"
LISTEN="${NORMLAB_LISTEN:-127.0.0.1:8630}"
PY="${NORMLAB_PYTHON:-$ROOT/.venv/bin/python}"

die() { echo "run_replicas: $*" >&2; exit 1; }

find_nginx() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

ensure_nginx() {
    NGINX="$(find_nginx)"
    [ -n "$NGINX" ] && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian's nginx ..." >&2
        (apt-get install -y -qq nginx || (apt-get update -qq && apt-get install -y -qq nginx)) >/dev/null 2>&1 || true
        NGINX="$(find_nginx)"
    fi
    [ -n "$NGINX" ] || die "nginx is not installed and cannot be installed here (needs root and apt-get)"
}

wait_healthy() {  # url [seconds]
    "$PY" - "$1" "${2:-90}" <<'PYEOF'
import sys, time, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.3)
sys.exit(f"{url} not healthy in time")
PYEOF
}

render_conf() {
    "$PY" - "$ROOT/deploy/nginx.conf.template" "$DIR" "$LISTEN" $PORTS <<'PYEOF'
import sys
template, directory, listen, *ports = sys.argv[1:]
servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)
text = open(template).read().replace("@DIR@", directory).replace("@LISTEN@", listen).replace("@SERVERS@", servers)
open(f"{directory}/nginx.conf", "w").write(text)
PYEOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

start() {
    [ -x "$PY" ] || die "python not found at $PY (make deps, or set NORMLAB_PYTHON)"
    if [ -f "$DIR/streamlit.pids" ] || alive "$DIR/nginx.pid"; then
        die "already started in $DIR (run: $0 stop)"
    fi
    ensure_nginx
    mkdir -p "$DIR"/tmp/{body,proxy,fastcgi,uwsgi,scgi}
    chmod 1777 "$DIR"/tmp/*  # nginx workers drop root privileges to 'nobody'
    # One cookie secret for every replica: XSRF cookies signed by one replica stay valid on another.
    [ -f "$DIR/cookie_secret" ] || "$PY" -c "import secrets; print(secrets.token_hex(32))" > "$DIR/cookie_secret"
    chmod 600 "$DIR/cookie_secret"
    : > "$DIR/streamlit.pids"
    for port in $PORTS; do
        STREAMLIT_SERVER_COOKIE_SECRET="$(cat "$DIR/cookie_secret")" setsid "$PY" -m streamlit run app.py \
            --server.headless true --server.address 127.0.0.1 --server.port "$port" \
            --server.fileWatcherType none --browser.gatherUsageStats false \
            </dev/null >"$DIR/streamlit-$port.log" 2>&1 &
        echo $! >> "$DIR/streamlit.pids"
    done
    for port in $PORTS; do
        wait_healthy "http://127.0.0.1:$port" || { stop; die "replica on port $port did not start (see $DIR)"; }
    done
    render_conf
    "$NGINX" -t -q -p "$DIR/" -c "$DIR/nginx.conf" || { stop; die "nginx rejected $DIR/nginx.conf"; }
    "$NGINX" -p "$DIR/" -c "$DIR/nginx.conf" </dev/null >>"$DIR/error.log" 2>&1
    wait_healthy "http://$LISTEN" 30 || { stop; die "nginx on $LISTEN not answering"; }
    echo "normlab: http://$LISTEN  (replicas on ports: $PORTS; pids $(tr '\n' ' ' < "$DIR/streamlit.pids"); state in $DIR)"
}

stop() {
    if alive "$DIR/nginx.pid"; then
        kill -QUIT "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
        for _ in $(seq 50); do alive "$DIR/nginx.pid" || break; sleep 0.1; done
    fi
    if [ -f "$DIR/streamlit.pids" ]; then
        for pid in $(cat "$DIR/streamlit.pids"); do kill -TERM "$pid" 2>/dev/null || true; done
        for pid in $(cat "$DIR/streamlit.pids"); do
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        done
        rm -f "$DIR/streamlit.pids"
    fi
    rm -f "$DIR/nginx.pid"
}

status() {
    local ok=0
    if alive "$DIR/nginx.pid"; then echo "nginx: pid $(cat "$DIR/nginx.pid") on $LISTEN"; else echo "nginx: stopped"; ok=1; fi
    for port in $PORTS; do
        if wait_healthy "http://127.0.0.1:$port" 2 2>/dev/null; then echo "replica :$port healthy"
        else echo "replica :$port down"; ok=1; fi
    done
    return $ok
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
