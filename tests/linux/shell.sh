# SPDX-License-Identifier: MIT
# shell.sh: the busybox shell's own machinery, run like workload.sh. Shell
# functions, arithmetic, case, read, getopts, printf, set -e and -u, here
# strings of many lines, command substitution of builtins and applets,
# exec redirections, ulimit, umask, cd and pwd -P through symbolic links,
# test operators on files, dd from /dev/zero and /dev/urandom, and the
# statuses of everything. Prints only values the script itself made.
set -u
W=$(mktemp -d /tmp/wlXXXXXX) || exit 2
cd "$W" || exit 2

echo "== functions and arithmetic"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
fact 10
i=0; n=0; while [ $i -lt 100 ]; do n=$(( n + i * i )); i=$(( i + 1 )); done; echo "sum of squares $n"
echo $(( 7 / 2 )) $(( 7 % 3 )) $(( 1 << 20 )) $(( -5 + 3 )) $(( 0x1f ))
count() { return $#; }; count a b c; echo "function status $?"

echo "== case, read, getopts, printf"
for w in apple 42 -x ""; do
    case "$w" in
        [0-9]*) echo "number $w" ;;
        -*) echo "option $w" ;;
        "") echo "empty" ;;
        *) echo "word $w" ;;
    esac
done
printf 'a b c\nd e f\n' > in.txt
while read x y z; do echo "read: $z $y $x"; done < in.txt
IFS=: read -r u p rest <<EOT
root:x:0:0
EOT
echo "IFS read: $u $p $rest"
parse() { OPTIND=1; while getopts "ab:c" o; do case $o in a) echo "-a";; b) echo "-b $OPTARG";; c) echo "-c";; *) echo "bad";; esac; done; shift $((OPTIND - 1)); echo "rest: $*"; }
parse -a -b val -c one two
printf '%5s|%-5s|%05d|%x|%o|%c|%%\n' ab cd 42 255 8 xyz
printf '%s\n' "quoted  spaces" 'single $HOME'

echo "== set -e and -u"
( set -e; false; echo "not reached" ); echo "set -e subshell status $?"
( set -e; false || true; echo "|| keeps set -e going" )
( unset NOPE; echo "${NOPE:-default}"; echo "${NOPE-unset}"; x=; echo "[${x:-empty}]" )
( echo "$NOPE" ) 2>/dev/null; echo "set -u on an unset variable: status $?"
v=abcdef; echo "${#v} ${v#ab} ${v%ef} ${v%%c*} ${v##*d}"

echo "== files, links, umask, ulimit"
umask 027; touch m; mkdir md; ls -ld m md | awk '{print $1}'; umask 022
ln -s md link; cd link; pwd | sed "s|$W|W|"; pwd -P | sed "s|$W|W|"; cd ..
ln m hard; [ m -ef hard ] && echo "hard link same file"
[ -L link ] && [ -d link ] && [ ! -L m ] && echo "test -L -d ok"
echo data > f; [ -s f ] && [ ! -s m ] && [ -r f ] && [ -w f ] && [ ! -x f ] && echo "test -s -r -w -x ok"
chmod 755 f; [ -x f ] && echo "chmod +x seen"
[ f -nt /bin/busybox ] && echo "newer than busybox"
ulimit -n 50; echo "ulimit -n $(ulimit -n)"
( ulimit -f 1; dd if=/dev/zero of=big bs=1024 count=4 2>/dev/null ); echo "past ulimit -f: status $?"
dd if=/dev/zero bs=1000 count=5 2>/dev/null | wc -c
dd if=/dev/urandom bs=512 count=3 2>/dev/null | wc -c
head -c 100000 /dev/urandom | gzip -c | gzip -dc | wc -c

echo "== exec redirections and command lookup"
exec 4<in.txt; read first <&4; read second <&4; exec 4<&-; echo "fd 4: $first / $second"
exec 5>>log.txt; echo one >&5; echo two >&5; exec 5>&-; wc -l < log.txt
command -v sh >/dev/null && echo "command -v finds sh"
type cd | head -1
x=$(cat in.txt | wc -l); echo "lines via \$(): $x"
echo "$(pwd | sed "s|$W|W|")"
cd / && rm -rf "$W"
echo "== done"
