# Reads pgbench per-transaction log lines (pgbench 15 with --rate:
#   client_id transaction_no time script_no time_epoch time_us schedule_lag)
# and keeps the transactions whose scheduled start lies in [from, to] (microseconds since the
# epoch). time is the latency in microseconds measured from the scheduled start, so a
# transaction that waited on a lock, or was queued behind one that did, counts with its wait.
# Writes one latency (ms) per line to all_out, and to write_out when the script is a write
# (script 0 = select.sql, 1 = update.sql, 2 = insert.sql). Prints the number of failed or
# skipped transactions that ended in [ffrom, fto].
{
  end_us = $5 * 1000000 + $6
  if ($3 == "failed" || $3 == "skipped") { if (end_us >= ffrom && end_us <= fto) failed++; next }
  start_us = end_us - $3
  if (start_us < from || start_us > to) next
  lat = $3 / 1000.0
  printf "%.3f\n", lat > all_out
  if ($4 != 0) printf "%.3f\n", lat > write_out
}
END { printf "%d\n", failed }
