# Sourced by ./recur and ./run-tests: sets RECUR_JAVA_HOME to a JDK >= 25 or exits with one line.
# Order: JAVA_HOME, then Temurin 25's Debian path.
recur_jdk_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing if it is not a JDK.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
RECUR_JAVA_HOME=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
  [ -n "$candidate" ] || continue
  major=$(recur_jdk_major "$candidate")
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then RECUR_JAVA_HOME="$candidate"; break; fi
done
if [ -z "$RECUR_JAVA_HOME" ]; then
  echo "recur: no JDK >= 25 found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/temurin-25-jdk-amd64 absent); install Temurin 25 or set JAVA_HOME" >&2
  exit 2
fi
export JAVA_HOME="$RECUR_JAVA_HOME"
