#!/usr/bin/env bash
# Pre-deploy gate: run before a service starts. Exits 0 only when every topic the service needs
# exists, is declared in the specs and matches them; otherwise the deploy stops.
#
#   TOPICGATE_BOOTSTRAP_SERVERS=b-1.msk.example:9092 examples/pre-deploy-gate.sh
#
# Provisioning (`topicgate apply`) may run just before the deploy: --wait polls until the topics
# are ready or the time is up (progress goes to stderr), waiting out a broker that is restarting.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

topicgate gate topics/ \
  --require-file examples/required-topics.txt \
  --wait "${GATE_WAIT:-5m}"
status=$?
case $status in
  0) echo "pre-deploy gate: topics ready, deploying" ;;
  1) echo "pre-deploy gate: required topics are missing or not as declared (see above); deploy stopped" >&2 ;;
  *) echo "pre-deploy gate: could not check the topics (exit $status); deploy stopped" >&2 ;;
esac
exit $status
