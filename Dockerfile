# The product's image for compose.yaml (web, worker, and later the telephony listener and agent).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt requirements-gpu.txt ./
RUN pip install --no-cache-dir -r requirements.txt
# SPEECH=gpu (compose's agent-gpu service) adds torch, transformers and snac for the GPU speech stack
ARG SPEECH=cpu
RUN if [ "$SPEECH" = gpu ]; then pip install --no-cache-dir -r requirements-gpu.txt; fi
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
RUN useradd --system --home /app issetter && mkdir -p var/media var/recordings && chown -R issetter var
USER issetter
EXPOSE 8000
