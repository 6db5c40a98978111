#!/usr/bin/env bash
# The Fig. 12 sweep through a real Slurm on this machine: installs slurm-wlm and munge if missing,
# starts a private single-node cluster (munged, slurmctld -D and slurmd -D as root, with their own
# key, config, ports and state in a temporary folder: an existing Slurm is not touched), submits
# the sweep as a job array of shards (scripts/fig12-shard.sbatch), waits, merges the shards with
# `fusesim merge`, runs the unsharded sweep and checks that both folders hold the same files, byte
# for byte. Always stops its daemons and removes its folder.
# Usage: scripts/slurm_sweep.sh [build-dir] [shards]
# Exit: 0 equal; 1 a failure (with the Slurm logs); 2 bad usage; 77 skipped (Slurm cannot be
# installed here). FUSESIM_SLURM_TIMEOUT: seconds the job array may take (default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { echo "slurm_sweep: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}
started=$SECONDS
build=${1:-build}
shards=${2:-4}
timeout_s=${FUSESIM_SLURM_TIMEOUT:-900}
usage() {
  say "usage: $*"
  exit 2
}
[[ $shards =~ ^[1-9][0-9]?$ ]] || usage "the shard count must be 1 to 99, not '$shards'"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] ||
  usage "FUSESIM_SLURM_TIMEOUT must be a number of seconds, not '$timeout_s'"
[[ -x $build/fusesim ]] || usage "no '$build/fusesim' (build it first: scripts/setup.sh $build)"
fusesim=$(cd "$build" && pwd)/fusesim
spec=$root/configs/sweeps/fig12-iso-area.yaml
batch=$root/scripts/fig12-shard.sbatch

# --- packages (as scripts/setup.sh: only what is missing, as root or with sudo) ---
packages=(slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null ||
      { say "skipped: ${missing[*]} not installed, and neither root nor sudo to install them"; exit 77; }
    sudo_cmd=(sudo -n)
  fi
  say "installing ${missing[*]}"
  command -v apt-get >/dev/null || { say "skipped: ${missing[*]} not installed, and no apt-get"; exit 77; }
  lock=(-o DPkg::Lock::Timeout=600)
  if ! "${sudo_cmd[@]}" apt-get "${lock[@]}" update -qq ||
    ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq \
      "${missing[@]}" >/dev/null; then
    say "skipped: apt-get could not install ${missing[*]}"
    exit 77
  fi
fi
# Slurm's daemons must run as root here (they are started as the Slurm user root).
[[ $(id -u) == 0 ]] || { say "skipped: slurmd needs root (run as root)"; exit 77; }
for t in munged slurmctld slurmd sbatch sinfo squeue scontrol scancel; do
  command -v "$t" >/dev/null || die "'$t' not found after installing ${packages[*]}"
done

# --- the private cluster's folder: slurm.conf cannot quote, so its path must be plain ---
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/fusesim-slurm.XXXXXX")
pids=()
job=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $job ]]; then
    scancel "$job" 2>/dev/null || true
    for _ in $(seq 50); do
      [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do # slurmd, slurmctld, then munged
    kill -TERM "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "${pids[i]}" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[[ $work =~ ^[A-Za-z0-9._/-]+$ ]] ||
  die "the temporary folder '$work' has characters slurm.conf cannot hold: set TMPDIR to a plain path"
mkdir -p "$work"/{munge,state,spool,log,run,out}
logs() {
  local f
  for f in "$work"/log/*.log "$work"/out/*.out; do
    [[ -f $f ]] || continue
    echo "----- ${f#"$work"/} (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}
fail() {
  say "error: $*"
  logs
  exit 1
}
# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# --- munged with its own key and socket ---
head -c 1024 /dev/urandom >"$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/run/munged.pid" --seed-file="$work/munge/munge.seed" \
  --log-file="$work/log/munged.log" >"$work/log/munged.out" 2>&1 &
pids+=($!)
munge_ok() { munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; }
wait_for 30 munge_ok || fail "munged did not answer on $socket within 30 s"

# --- slurm.conf: one node (this host, at 127.0.0.1), free ports, no cgroups ---
host=$(hostname -s)
cpus=$(nproc)
memory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 9 / 10)) # MiB, under slurmd's own figure
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=()
for ((p = 20000 + ($$ * 13) % 20000; ${#ports[@]} < 2; p++)); do
  port_free "$p" && ports+=("$p")
done
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=fusesim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=fusesim Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { [[ $(sinfo -h -N -n "$host" -o %T 2>/dev/null) == idle ]]; }
wait_for 60 node_idle ||
  fail "node $host not idle within 60 s (sinfo: $(sinfo -h -N -o '%N %T %E' 2>&1 | tr '\n' ' '))"
say "cluster up: node $host, $cpus CPUs, ports ${ports[*]} ($((SECONDS - started)) s)"

# --- the job array: one shard per task, then merge ---
t0=$SECONDS
export FUSESIM_BIN=$fusesim FUSESIM_SPEC=$spec FUSESIM_OUT=$work/out
job=$(sbatch --parsable --array=0-$((shards - 1)) --chdir="$work" --output="$work/out/shard-%a.out" \
  "$batch") || fail "sbatch failed"
say "submitted job $job: $shards shards of $spec"
array_done() { [[ -z $(squeue -h -j "$job" 2>/dev/null) ]]; }
wait_for "$timeout_s" array_done || fail "job $job not finished within $timeout_s s"
# One line per task once the array has ended: its state and exit code.
states=$(scontrol -o show job "$job" | awk '{ s = e = "?"
  for (i = 1; i <= NF; i++) { if ($i ~ /^JobState=/) s = substr($i, 10); if ($i ~ /^ExitCode=/) e = substr($i, 10) }
  print s, e }')
[[ $(grep -c '^COMPLETED 0:0$' <<<"$states") == "$shards" ]] ||
  fail "job $job: tasks ended as: $(sort <<<"$states" | uniq -c | tr '\n' ';')"
slurm_s=$((SECONDS - t0))
merged=$work/merged
"$fusesim" merge "$spec" "$work"/out/shard-*/results.csv -o "$merged" >/dev/null ||
  fail "fusesim merge failed"

# --- the same sweep unsharded, and the comparison ---
t0=$SECONDS
"$fusesim" sweep "$spec" -j "$cpus" -o "$work/unsharded" >/dev/null 2>"$work/log/unsharded.err" ||
  fail "the unsharded sweep failed: $(tail -n 3 "$work/log/unsharded.err")"
unsharded_s=$((SECONDS - t0))
files=$(cd "$merged" && find . -type f ! -name '.*' | sort)
[[ $files == *./results.csv* ]] || fail "merge wrote no results.csv"
[[ $files == "$(cd "$work/unsharded" && find . -type f ! -name '.*' | sort)" ]] ||
  fail "merged and unsharded folders hold different files"
for f in $files; do
  cmp "$merged/$f" "$work/unsharded/$f" >&2 || fail "merged ${f#./} differs from the unsharded one"
done
rows=$(($(wc -l <"$merged/results.csv") - 1))
say "ok: $shards shards through Slurm ($slurm_s s) merged equal the unsharded sweep ($unsharded_s s):" \
  "$rows points, $(echo "$files" | wc -l) files byte for byte; total $((SECONDS - started)) s"
