#!/usr/bin/env bash
# Writes a bellows migration directory of N files for bench/scale.sh:
#   bench/scale/gen.sh DIR N
# Odd versions are YAML, even versions SQL, in a cycle of six files that creates two tables
# and changes them in the next four files (tables created earlier in the directory):
#   6k+1 yaml  create_table ya_k (id identity primary key, name varchar(100) NOT NULL, created timestamp)
#   6k+2 sql   CREATE TABLE sb_k (id integer PRIMARY KEY, code varchar(40), qty integer DEFAULT 0)
#   6k+3 yaml  add_column ya_k.note text
#   6k+4 sql   ALTER TABLE sb_k ADD COLUMN flag integer
#   6k+5 yaml  create_index sb_k_code_idx ON sb_k (code, qty)
#   6k+6 sql   CREATE INDEX ya_k_name_idx ON ya_k (name)
# Every SQL file has a down section. Versions are zero-padded to 5 digits.
set -euo pipefail
dir="$1"; n="$2"
mkdir -p "$dir"
for ((i = 1; i <= n; i++)); do
  k=$(((i - 1) / 6)); r=$(((i - 1) % 6)); v="$(printf '%05d' "$i")"
  case "$r" in
    0) cat >"$dir/${v}_create_ya_$k.yaml" <<Y
description: table ya_$k
operations:
  - create_table:
      table: ya_$k
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: varchar(100), nullable: false}
        - {name: created, type: timestamp}
Y
    ;;
    1) printf -- '-- bellows:up\nCREATE TABLE sb_%s (id integer PRIMARY KEY, code varchar(40), qty integer DEFAULT 0);\n-- bellows:down\nDROP TABLE sb_%s;\n' "$k" "$k" \
         >"$dir/${v}_create_sb_$k.sql" ;;
    2) cat >"$dir/${v}_ya_${k}_note.yaml" <<Y
operations:
  - add_column:
      table: ya_$k
      column: {name: note, type: text}
Y
    ;;
    3) printf -- '-- bellows:up\nALTER TABLE sb_%s ADD COLUMN flag integer;\n-- bellows:down\nALTER TABLE sb_%s DROP COLUMN flag;\n' "$k" "$k" \
         >"$dir/${v}_sb_${k}_flag.sql" ;;
    4) cat >"$dir/${v}_sb_${k}_code_idx.yaml" <<Y
operations:
  - create_index: {table: sb_$k, name: sb_${k}_code_idx, columns: [code, qty]}
Y
    ;;
    5) printf -- '-- bellows:up\nCREATE INDEX ya_%s_name_idx ON ya_%s (name);\n-- bellows:down\nDROP INDEX ya_%s_name_idx;\n' "$k" "$k" "$k" \
         >"$dir/${v}_ya_${k}_name_idx.sql" ;;
  esac
done
