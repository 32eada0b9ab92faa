# One image for the web server, the job worker and the one-shot commands (docker-compose.yml).
# Built once: dependencies installed and static files collected here, never at container start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Hashed names and the manifest go into the image (no database or secret is needed for this).
RUN SECRET_KEY=collectstatic-only QUEUE_URL=memory:// \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/media && chown app /app/media

USER app
ENV BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    QUEUE_HEARTBEAT_FILE=/tmp/queue-heartbeat
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "connect_api.wsgi"]
