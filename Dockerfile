# Microblog: one image for the web process (gunicorn, ASGI) and the task worker.
#   docker build -t microblog .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=localhost microblog
#   docker run -e SECRET_KEY=... microblog .venv/bin/python manage.py db_worker --no-reload
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
# A throwaway key: these commands need settings but never sign anything.
RUN SECRET_KEY=build-only .venv/bin/python manage.py translate compile \
    && SECRET_KEY=build-only .venv/bin/python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p var/media && chown -R microblog var

USER microblog
EXPOSE 8000
VOLUME ["/app/var"]
CMD ["sh", "-c", ".venv/bin/python manage.py migrate --no-input && exec .venv/bin/gunicorn microblog.asgi:application -k asgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile -"]
