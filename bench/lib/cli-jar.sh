# Shared by the bench scripts; source it after setting $ROOT.

# cli_jar_path: the pirate CLI's runnable jar, or nothing if it has not been built.
cli_jar_path() {
    ls "$ROOT"/pirate-cli/target/pirate-cli-*.jar 2>/dev/null | grep -v '/original-' | head -n 1 || true
}

# cli_jar: the pirate CLI's runnable jar, built once when missing.
cli_jar() {
    local jar
    jar=$(cli_jar_path)
    if [[ -z "$jar" ]]; then
        echo "Building the pirate CLI jar once..." >&2
        (cd "$ROOT" && ./mvnw -q -B -pl pirate-cli -am package -DskipTests) >&2
        jar=$(cli_jar_path)
    fi
    echo "$jar"
}
