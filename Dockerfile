FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY connectors ./connectors
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 federation
COPY schema ./schema
COPY federation.yaml ./federation.yaml
RUN federation demo --out /app/demo && chown -R federation /app
USER federation
EXPOSE 8000
ENV FEDERATION_CONFIG=/app/federation.yaml
CMD ["federation", "serve", "--host", "0.0.0.0", "--port", "8000"]
