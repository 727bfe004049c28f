# Microblog: one image for the web process (uvicorn: HTTP and WebSocket) and the task worker.
#   docker build -t microblog .
#   docker run -p 8000:8000 -v microblog-var:/app/var -e ALLOWED_HOSTS=localhost microblog
#   docker run -v microblog-var:/app/var microblog .venv/bin/python manage.py db_worker --no-reload
# Code and collected static files live in the image; data (database, uploads, the generated
# secret key unless SECRET_KEY is given) in the /app/var volume, which may start empty.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    DEBUG=false

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 1000 microblog

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache
COPY . .
# A throwaway key outside var/: these commands need settings but never sign anything.
ENV SECRET_KEY_FILE=/tmp/build-key
RUN .venv/bin/python manage.py translate compile \
    && .venv/bin/python manage.py collectstatic --no-input --verbosity 0 \
    && rm -rf /tmp/build-key var && mkdir -p var && chown microblog var
ENV SECRET_KEY_FILE=

USER microblog
EXPOSE 8000
VOLUME ["/app/var"]
# GET /healthz with a Host from ALLOWED_HOSTS: Django answers 400 to 127.0.0.1 unless allowed.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s \
    CMD [".venv/bin/python", "scripts/healthcheck", "/healthz"]
CMD ["sh", "-c", ".venv/bin/python manage.py migrate --no-input && HOST=0.0.0.0 PORT=8000 exec scripts/serve"]
