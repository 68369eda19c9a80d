# Sourced by scripts/suite.sh. `supervise NAME LOG COMMAND... &` runs one service of `npm run suite` and starts
# it again whenever it dies, as docker-compose's restart policy and Kubernetes do: a crash, an out-of-memory
# kill or a `kill -9` in the local suite is then a fault it recovers from, not a service gone until the next
# start. It says so on stdout, with how the service ended; the service's output is appended to LOG, so the
# lines before a crash stay there. A function, not a script: its process is a subshell of the suite's, so
# `pkill -f apps/scoring` finds the service and not its supervisor.
# - A service that ends with 0 or by SIGTERM or SIGINT (Ctrl-C) was stopped on purpose: the services drain
#   and then end by the signal they were sent (Nest's shutdown hooks). It is not started again.
# - One that dies within 30 s of its start waits longer each time before the next (1, 2, 4 ... 30 s): a
#   setting it refuses at boot would otherwise restart it in a tight loop.
# - SIGTERM or SIGINT to the supervisor stops the supervision: the service gets SIGTERM, is waited for, and
#   nothing restarts. Ctrl-C reaches every process of the suite at once, the supervisors included: one that
#   ended at SIGINT would leave its service draining unwatched (or running, when only the supervisors got
#   it), and the suite would say it had stopped before its services had.
supervise() {
  set +e # the suite's errexit would end the supervisor at the first service that exits non-zero
  local name=$1 log=$2 delay=1 started code how
  shift 2
  # What it waits on: the service, or the pause before starting it again.
  supervise_waiting_on=
  supervise_stopping=false
  trap 'supervise_stopping=true; [[ -n $supervise_waiting_on ]] && kill -TERM "$supervise_waiting_on" 2>/dev/null' TERM INT
  while :; do
    started=$SECONDS
    "$@" >>"$log" 2>&1 &
    supervise_waiting_on=$!
    # A trapped signal ends `wait` early, with the service still draining: wait until it has exited.
    while :; do
      wait "$supervise_waiting_on" 2>/dev/null # (bash would print a "Killed" line of its own)
      code=$?
      kill -0 "$supervise_waiting_on" 2>/dev/null || break
    done
    $supervise_stopping && return 0
    case $code in
      0 | 130 | 143)
        echo "[suite] $name stopped ($( ((code == 0)) && echo 'code 0' || echo "SIG$(kill -l $((code - 128)))")); not started again (log: $log)"
        return 0
        ;;
    esac
    how="code $code"
    ((code > 128 && code <= 192)) && how="killed by SIG$(kill -l $((code - 128)))"
    ((SECONDS - started >= 30)) && delay=1
    echo "[suite] $name died ($how); starting it again in $delay s (log: $log)"
    sleep "$delay" &
    supervise_waiting_on=$!
    wait "$supervise_waiting_on" # a SIGTERM meanwhile ends it, and nothing is started
    $supervise_stopping && return 0
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}
