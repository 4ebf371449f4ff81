#!/usr/bin/env bash
# Installs everything flanctl's demo and tests need on a fresh Debian machine (as root), then
# installs the npm dependencies and builds. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# gcc: the udp benchmark compiles its reference relay (bench/udp-relay-c)
packages=(etcd-server etcd-client iproute2 iptables iputils-ping iperf3 openssl procps systemd python3 kmod gcc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# On a machine running systemd, Debian's etcd-server package may start a system etcd on 127.0.0.1:2379;
# flanctl's tests and lab start their own etcd on free ports and do not use it.

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
