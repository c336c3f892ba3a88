#!/bin/sh
# A deploy step with bellows: check, expand, deploy the application, contract; roll the schema
# back when the application deploy fails. Used as-is by tests/e2e/ci_test.cc.
#
#   BELLOWS_URL=postgres://... DEPLOY_APP="./deploy-app.sh" ./deploy.sh [bellows global flags]
#
# Exit: 0 deployed (or nothing to migrate); 1 the application deploy failed and the schema was
# rolled back; otherwise bellows' own exit code (docs/cli.md#exit-codes): 3 drift, 4 invalid
# migrations or lint errors, 5 another deploy holds the lock, 6 a failure bellows could not
# undo (run bellows status), 7 a batch is already in flight.
set -u
BELLOWS=${BELLOWS:-bellows}
: "${DEPLOY_APP:?set DEPLOY_APP to the command that deploys the application}"
OUT=${BELLOWS_OUT:-.}

# The files are the reviewed ones, and the pending migrations pass lint.
"$BELLOWS" "$@" validate --require-sum || exit $?
"$BELLOWS" "$@" lint || exit $?

# Expand: afterwards the old and the new application version both work.
"$BELLOWS" "$@" start --format json > "$OUT/bellows-start.json"
rc=$?
case $rc in
  0) ;;
  5) echo "deploy: another deploy holds the migration lock; try again later" >&2; exit 5 ;;
  7) echo "deploy: a batch is in flight; run bellows status, then complete or rollback" >&2; exit 7 ;;
  *) echo "deploy: bellows start failed (exit $rc), see $OUT/bellows-start.json" >&2; exit $rc ;;
esac

if grep -q '"nothing_to_do": true' "$OUT/bellows-start.json"; then
  sh -c "$DEPLOY_APP" || exit 1
  exit 0
fi

# The new application version connects with `bellows latest` (schema, SQL or env).
"$BELLOWS" "$@" latest env > "$OUT/bellows-latest.env" || exit $?

if ! sh -c "$DEPLOY_APP"; then
  echo "deploy: the application deploy failed: rolling back the schema" >&2
  "$BELLOWS" "$@" rollback --format json > "$OUT/bellows-rollback.json"
  rc=$?
  [ $rc -eq 0 ] || exit $rc
  exit 1
fi

# Contract: drop what only the old version needed.
"$BELLOWS" "$@" complete --format json > "$OUT/bellows-complete.json"
