#!/bin/sh
# Run every example and compare its exit code with the one documented.
# Usage: sh docs/examples/run_examples.sh   (from anywhere)
cd "$(dirname "$0")" || exit 2
status=0
expect() {  # expect CODE command...
  want=$1; shift
  "$@" --quiet >/dev/null 2>&1; got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL (exit $got, expected $want): $*"; status=1
  else echo "ok   (exit $got): $*"; fi
}
expect_parse() {  # expect_parse CODE model
  verify parse "$2" >/dev/null 2>&1; got=$?
  if [ "$got" -ne "$1" ]; then echo "FAIL (exit $got, expected $1): verify parse $2"; status=1
  else echo "ok   (exit $got): verify parse $2"; fi
}
expect 0 verify check counter.model
expect 0 verify check counter_max5.spec
expect 3 verify check counter_bounded.spec
expect 0 verify check types.model
expect 0 verify check statements.model
expect 0 verify check networks.model
expect 0 verify check expressions.model
expect 0 verify check faults_budget1.spec
expect 0 verify check faults_budget2.spec
expect 0 verify check optional_use.model
for s in liveness_unfair liveness_weak liveness_strong liveness_counter liveness_bound; do expect 0 verify check $s.spec; done
for m in errors/*.model; do expect_parse 2 "$m"; done
exit $status
