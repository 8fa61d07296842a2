# SPDX-License-Identifier: MIT
# workload.sh: the busybox shell workload of `tools/tessera bench linux`,
# run by Debian's busybox-static on Tessera and on Debian's Linux kernel
# (`linux-bench run workload N /bin/sh workload.sh`: each run timed).
# Pipelines, sort, sed, awk, grep, tar and gzip on a few hundred KiB, in
# a fresh directory under /tmp that it removes. No sleep: idle time is
# not the personality's work. Exits 0 only if every step gave the
# expected result.
set -eu
W=/tmp/lbench.$$
rm -rf "$W"
mkdir -p "$W"
cd "$W"
seq 1 3000 | awk '{ print ($1 * 7919) % 10007, "item" $1 }' > data.txt
[ "$(sort -n data.txt | tail -1 | cut -d' ' -f1)" = 10006 ]
[ "$(sort -k2 data.txt | head -1)" = "7919 item1" ]
[ "$(cat data.txt data.txt | sed 's/item/x/' | sort -u | wc -l)" = 3000 ]
[ "$(grep -c 7 data.txt)" -gt 0 ]
mkdir -p tree/a tree/b
for i in 1 2 3 4 5 6 7 8; do
    cp data.txt tree/a/f$i
    sort -rn data.txt > tree/b/r$i
done
tar -cf t.tar tree
gzip -c t.tar > t.tar.gz
[ "$(gzip -dc t.tar.gz | tar -tf - | wc -l)" = 19 ]
mkdir out
tar -xzf t.tar.gz -C out
cmp out/tree/a/f8 data.txt
cd /
rm -rf "$W"
