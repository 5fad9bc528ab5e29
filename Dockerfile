# councilopts: one stateless app server image (run several behind a load balancer), and the
# same image runs the report worker: `python manage.py db_worker`.

# --- Build the GOV.UK Frontend assets; nothing of Node reaches the final image.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

# --- The application.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    DEBUG=false \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig) and fonts with Arial's metrics.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fontconfig fonts-liberation2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock ./
# Bytecode compiled at build time: with PYTHONDONTWRITEBYTECODE nothing is cached at run time,
# so without it every process (gunicorn worker, task worker, manage.py) compiled ~1,600
# modules from source at start-up, 40% of `manage.py check`'s CPU time.
RUN uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY . .
RUN python -m compileall -q appraisals councils councilopts signin manage.py
COPY --from=assets /src/static/build static/build
# collectstatic needs settings only, not a database or a real key.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret-and-never-used-to-sign-anything \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input
RUN useradd --system --uid 10001 --home /app councilopts && chown -R councilopts /app
USER councilopts
EXPOSE 8000
# DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS come from the environment.
CMD ["gunicorn", "councilopts.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
