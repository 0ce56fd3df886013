# The pirate command line (broker, worker, call, bench) in a JRE image.
# Build from the repository root after ./mvnw -pl pirate-cli -am package -DskipTests:
#   docker build -f deploy/kubernetes/images/cli.Dockerfile -t pirate-cli:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
COPY pirate-cli/target/pirate-cli-0.1.0-SNAPSHOT.jar /opt/pirate/pirate-cli.jar
USER 65532
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/pirate/pirate-cli.jar"]
