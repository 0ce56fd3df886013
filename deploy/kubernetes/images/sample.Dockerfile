# The sample application in a JRE image (./mvnw -pl sample-app -am spring-boot:build-image also works).
# Build from the repository root after ./mvnw -pl sample-app -am package -DskipTests:
#   docker build -f deploy/kubernetes/images/sample.Dockerfile -t pirate-sample:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17-jre
COPY sample-app/target/sample-app-0.1.0-SNAPSHOT.jar /opt/pirate/sample-app.jar
USER 65532
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/pirate/sample-app.jar"]
