#!/usr/bin/env bash
# Vexil in a deployment pipeline (docs/pipeline.md): ship a feature dark, roll it out
# under guardrails, stop the pipeline when the rollout is rolled back, and later remove
# the flag once no code reads it.
#
#   pipeline.sh release   create the flag (off) -> deploy -> guarded rollout -> wait
#   pipeline.sh cleanup   archive the flag, once the code that read it is gone
#
# Needs the `vexil` binary on PATH, and in the environment:
#   VEXIL_URL      the Vexil server, e.g. https://flags.example.com
#   VEXIL_TOKEN    an API token with the editor role (a CI secret; never echo it)
#   VEXIL_PROJECT  the project's key (default: default)
# Settings (all optional):
#   FLAG            the flag's key                               (new-checkout)
#   VEXIL_ENV       the environment rolled out                   (production)
#   DEPLOY_COMMAND  what deploys the new code                    (./deploy.sh)
#   STEPS           the treatment's percent per step             (1,5,25,50,100)
#   STEP_SECONDS    the least time per step                      (600)
#   MIN_EXPOSURES   exposures per arm before a step advances     (the server's default)
#   GUARDRAIL       EVENT:MEASURE[:TOLERANCE[:lower]], e.g. checkout-error:rate:0.1
#   WAIT_TIMEOUT    seconds the pipeline waits for the verdict   (7200)
#   WAIT_INTERVAL   seconds between looks                        (30)
set -euo pipefail

: "${VEXIL_URL:?set VEXIL_URL to the address of the Vexil server}"
: "${VEXIL_TOKEN:?set VEXIL_TOKEN to an API token with the editor role}"
FLAG="${FLAG:-new-checkout}"
export VEXIL_ENV="${VEXIL_ENV:-production}"
DEPLOY_COMMAND="${DEPLOY_COMMAND:-./deploy.sh}"
STEPS="${STEPS:-1,5,25,50,100}"
STEP_SECONDS="${STEP_SECONDS:-600}"
WAIT_TIMEOUT="${WAIT_TIMEOUT:-7200}"
WAIT_INTERVAL="${WAIT_INTERVAL:-30}"
# Where this run comes from, for the audit log (GitHub Actions and GitLab CI names).
RUN="${GITHUB_RUN_ID:-${CI_PIPELINE_ID:-local}}"

release() {
  echo "== 1. create $FLAG, off in every environment (deployed dark)"
  # --if-not-exists: a re-run of the pipeline finds the flag and goes on.
  vexil flags create "$FLAG" --description "Released by pipeline run $RUN" --tag pipeline --if-not-exists

  echo "== 2. deploy the code that reads $FLAG"
  bash -c "$DEPLOY_COMMAND"

  echo "== 3. start the guarded rollout in $VEXIL_ENV"
  # On, but serving the control to everyone: the plan moves users to the treatment.
  vexil flags serve "$FLAG" off -m "pipeline run $RUN: before the rollout"
  vexil flags on "$FLAG" -m "pipeline run $RUN: deployed"
  start=(vexil rollout start "$FLAG" --treatment on --control off --steps "$STEPS" --step-seconds "$STEP_SECONDS")
  if [[ -n "${MIN_EXPOSURES:-}" ]]; then start+=(--min-exposures "$MIN_EXPOSURES"); fi
  if [[ -n "${GUARDRAIL:-}" ]]; then start+=(--guardrail "$GUARDRAIL"); fi
  "${start[@]}"

  echo "== 4. wait for the verdict"
  if vexil rollout wait "$FLAG" --timeout "$WAIT_TIMEOUT" --interval "$WAIT_INTERVAL"; then
    echo "$FLAG: rollout completed; everyone in $VEXIL_ENV gets the new code path"
  else
    status=$?
    case $status in
      7) echo "$FLAG: rolled back (the reason is above); everyone is on the old path again" >&2 ;;
      8) echo "$FLAG: no verdict within ${WAIT_TIMEOUT}s; the rollout goes on (vexil rollout status $FLAG)" >&2 ;;
      *) echo "$FLAG: could not follow the rollout (exit $status)" >&2 ;;
    esac
    exit "$status"
  fi
}

cleanup() {
  echo "== 5. clean up: archive $FLAG (its code is gone)"
  # Archiving takes the flag out of every environment's snapshot; `vexil flags restore`
  # brings it back with its configurations.
  vexil flags archive "$FLAG"
  vexil audit --flag "$FLAG" --limit 20
}

case "${1:-release}" in
  release) release ;;
  cleanup) cleanup ;;
  *) echo "usage: $0 [release|cleanup]" >&2; exit 2 ;;
esac
