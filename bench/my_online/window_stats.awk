# Reads the per-transaction lines of bench/my_online/load.lua:
#   scheduled_us end_us kind ok errno
# (microseconds since the epoch; kind 0 = select, 1 = update, 2 = insert; ok 1 or 0) and keeps
# the successful transactions whose scheduled start lies in [from, to]. Their latency is
# end - scheduled, so a transaction that waited on a lock, or was queued behind one that did,
# counts with its wait. Writes one latency (ms) per line to all_out, and to write_out when it
# is an update or an insert. Prints the number of failed statements that ended in [ffrom, fto].
{
  if ($4 == 0) { if ($2 >= ffrom && $2 <= fto) failed++; next }
  if ($1 < from || $1 > to) next
  lat = ($2 - $1) / 1000.0
  printf "%.3f\n", lat > all_out
  if ($3 != 0) printf "%.3f\n", lat > write_out
}
END { printf "%d\n", failed }
