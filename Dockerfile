# syntax=docker/dockerfile:1
# Veil: one static binary (`veil`), run as a non-root user.
#
#   docker build -t veil .
#   docker run --rm -p 8080:8080 -v veil-data:/data veil            # embedded store
#   docker run --rm -e VEIL_DATABASE_URL=postgres://... veil migrate up
#
# The image's default command is `veil serve`. Configuration comes from the
# VEIL_* environment variables (see docker-compose.yml for the list).

# ---- build ------------------------------------------------------------------
FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so source edits do not refetch modules.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/veil ./cmd/veil
# An empty data directory owned by the runtime user (distroless has no shell
# to mkdir/chown with); 65532 is distroless' "nonroot".
RUN mkdir -p /out/data && chown 65532:65532 /out/data

# ---- run --------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/veil /usr/local/bin/veil
COPY --from=build --chown=65532:65532 /out/data /data
ENV VEIL_ADDR=0.0.0.0:8080 \
    VEIL_DATA_DIR=/data
# The embedded store, its generated master key (when VEIL_MASTER_KEY is not
# set) and anything else Veil keeps on disk live here.
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/veil"]
CMD ["serve"]
