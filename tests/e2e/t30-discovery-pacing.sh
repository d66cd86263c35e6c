# Without --dns-server, server_max_inflight holds per server address for
# the whole run: two domains whose NS is the same address share one limit.
# The NS is a relay in front of NSD that holds each reply 50 ms and
# counts the queries it has open at once.
. "$TOP/tests/lib.sh"
world_start
sed -i 's/^ns1	IN A 192\.0\.2\.53/ns1	IN A 127.0.0.3/; s/^ns2	IN A 198\.51\.100\.53/ns2	IN A 127.0.0.3/' zones/example.com.zone
sed -i 's/^ns	IN A 192\.0\.2\.1$/ns	IN A 127.0.0.3/' zones/nomx.example.zone
sed -i 's/^ns1	IN A 198\.51\.100\.53/ns1	IN A 127.0.0.1/' zones/example.net.zone
world_reload
python3 "$TOP/tests/relay/slow-relay.py" 127.0.0.3 "$PORT" 127.0.0.1 "$PORT" 50 stats &
RELAY=$!
at_exit "kill $RELAY"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	drill -p "$PORT" @127.0.0.3 example.com SOA 2>/dev/null | grep -q 'rcode: NOERROR' && break
	sleep 0.2
done
cat >>mxaudit.yaml <<YAML
  - name: nomx.example
server_max_inflight: 2
YAML
$MXAUDIT init --store st >/dev/null
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" -v snapshot
assert_rc 0 "snapshot of two domains on one server"
assert_grep "example\.com: authoritative servers 127\.0\.0\.3:$PORT\$" err "example.com's NS is the relay"
assert_grep "nomx\.example: authoritative servers 127\.0\.0\.3:$PORT\$" err "nomx.example's NS is the same address"
q=$(awk '$1 == "queries" { print $2 }' stats)
m=$(awk '$1 == "max_inflight" { print $2 }' stats)
assert_eq "$([ "$q" -ge 10 ] && echo many)" many "the relay saw the domains' queries ($q)"
assert_eq "$([ "$m" -le 2 ] && echo within)" within "at most server_max_inflight open at the server across both domains (saw $m)"
assert_eq "$([ "$m" -eq 2 ] && echo used)" used "the limit is used, not undercut (saw $m)"

# server_qps holds per server address too, counted at the server: the
# most queries the relay saw within any one second. The resolver lets a
# burst of a tenth of a second's worth through (rate / 10 + 1), so a
# window holds at most rate * 1.1 + 1.
kill $RELAY; wait $RELAY 2>/dev/null
python3 "$TOP/tests/relay/slow-relay.py" 127.0.0.3 "$PORT" 127.0.0.1 "$PORT" 50 qstats &
RELAY=$!
at_exit "kill $RELAY"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -s qstats ] && break
	sleep 0.2
done
sed -i 's/^server_max_inflight: 2$/server_qps: 10/' mxaudit.yaml
mx --store st --resolver "127.0.0.1:$PORT" --auth-port "$PORT" -v snapshot
assert_rc 0 "snapshot of two domains on one server at 10 queries a second"
assert_grep '^no change since ' out "pacing changes nothing collected"
q=$(awk '$1 == "queries" { print $2 }' qstats)
w=$(awk '$1 == "max_per_second" { print $2 }' qstats)
echo "# $q queries, at most $w within one second"
assert_eq "$([ "$q" -gt 12 ] && echo many)" many "more queries than one second allows ($q), so the limit binds"
assert_eq "$([ "$w" -le 12 ] && echo within)" within "at most server_qps (10, burst 2) within any second at the server, across both domains (saw $w)"
