# The site: gunicorn with gunicorn.conf.py (workers, threads). It is meant to run behind
# nginx with deploy/nginx.conf, as docker-compose.yml runs it, never facing clients itself:
# a client that sends slowly or stalls would hold a worker; nginx reads every request whole
# first, and stamps it for the load shedding (REQUEST_QUEUE_LIMIT).
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv UV_PYTHON_DOWNLOADS=never
# The share images are drawn in DejaVu (core/shareimage.py).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
ENV PATH="/venv/bin:$PATH" DJANGO_DEBUG=0
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost SITE_URL=http://localhost \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "verdicts.wsgi:application", "--bind", "0.0.0.0:8000"]
