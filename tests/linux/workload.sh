# SPDX-License-Identifier: MIT
# workload.sh: a busybox shell workload, run by Debian's busybox-static
# both natively and inside Tessera (`busybox sh workload.sh`), with stdout
# and exit status compared. It uses pipes, redirections, subshells, sed,
# grep, awk, sort, find, tar, gzip, wc, xargs, background jobs and wait,
# trap and kill. Everything it prints is deterministic: listings are
# sorted (directory order differs between file systems), no times, pids or
# sizes of directories are shown, and gzip reads stdin (no name or time in
# its header). It works in a fresh directory under /tmp and removes it.
set -u
W=$(mktemp -d /tmp/wlXXXXXX) || exit 2
cd "$W" || exit 2

echo "== generate"
i=1
while [ $i -le 200 ]; do
    echo "line $i $(( (i * 37) % 101 )) $( [ $((i % 3)) -eq 0 ] && echo fizz || echo plain )"
    i=$((i + 1))
done > data.txt
wc -l < data.txt
echo "extra" >> data.txt
wc -l data.txt | awk '{print $1}'

echo "== grep sed awk sort"
grep -c fizz data.txt
grep -v fizz data.txt | grep -E 'line (1|2)[0-9]? ' | head -3
sed -n '5,7p' data.txt
sed -e 's/plain/PLAIN/' -e '/fizz/d' data.txt | tail -2
awk '$4 == "fizz" { s += $3; n++ } END { print "fizz sum", s, "count", n }' data.txt
awk 'NF == 4 { print $3 }' data.txt | sort -n | uniq | tail -3
sort -k3,3n -k2,2nr data.txt | head -4
awk 'NF == 4' data.txt | sort -t' ' -k3,3n | cut -d' ' -f3 | uniq -c | sort -rn | head -2 | awk '{print $1}'
printf 'b\na\nc\na\n' | sort -u | tr '\n' ' '; echo

echo "== redirections and subshells"
( echo out; echo err >&2 ) > both.txt 2>&1
cat both.txt
( echo to-stderr >&2 ) 2> err.txt; cat err.txt
{ echo one; echo two; } | wc -l
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt
cat <<HERE | tr a-z A-Z
heredoc $((6 * 7))
HERE
x=outer; ( x=inner; echo "sub sees $x" ); echo "parent keeps $x"
echo "$(echo nested $(echo deeper))"
false || echo "or ran"; true && echo "and ran"
( exit 3 ); echo "subshell status $?"
missing_command_xyz 2>/dev/null; echo "missing command status $?"

echo "== find tar gzip"
mkdir -p tree/a/b tree/c
for f in tree/one tree/a/two tree/a/b/three tree/c/four; do
    echo "content of $f" > "$f"
done
find tree -type f | sort
find tree -type d | sort | tr '\n' ' '; echo
find tree -name 't*' -type f | sort | xargs cat
tar -cf t.tar tree
tar -tf t.tar | sort | tr '\n' ' '; echo
mkdir out && tar -xf t.tar -C out && cat out/tree/a/b/three
gzip -c < data.txt > data.gz
gzip -dc < data.gz | cmp - data.txt && echo "gzip round trip ok"
tar -czf t.tgz tree && tar -tzf t.tgz | sort | wc -l
cat data.txt data.txt data.txt | gzip -c | gzip -dc | wc -l
find tree -type f | xargs wc -c | sort | tail -1 | awk '{print $1}'
find tree -type f -print0 | xargs -0 -n1 basename | sort | tr '\n' ' '; echo
echo a b c d e | xargs -n 2 echo | wc -l

echo "== jobs, wait, trap, kill"
( sleep 0.2; echo bg1 > bg1.txt ) &
p1=$!
( echo bg2 > bg2.txt; exit 5 ) &
p2=$!
wait $p1; echo "bg1 status $?"
wait $p2; echo "bg2 status $?"
cat bg1.txt bg2.txt
sleep 10 &
s=$!
kill $s
wait $s; echo "killed sleep status $?"
sh -c 'trap "echo got TERM; exit 7" TERM; echo ready > ready.txt; while :; do sleep 0.05; done' &
t=$!
while [ ! -s ready.txt ]; do sleep 0.02; done
kill -TERM $t
wait $t; echo "trap child status $?"
sh -c 'kill -USR1 $$; echo not reached'
echo "self-killed by USR1 status $?"
trap 'echo "EXIT trap ran"' EXIT
( trap 'echo sub INT trapped' INT; kill -INT $(sh -c 'echo $PPID'); true )
for n in 1 2 3; do ( echo "job $n" > "j$n.txt" ) & done
wait
cat j1.txt j2.txt j3.txt | sort

echo "== pipeline status and large data"
seq 1 20000 | awk '{ s += $1 } END { print s }'
seq 1 5000 | sed 's/$/ x/' | grep -c x
yes abc | head -n 1000 | wc -c
echo "pipeline status: $(false | true; echo $?)"
cd / && rm -rf "$W"
echo "== done"
exit 3
