#!/usr/bin/env bash
# Converts many trials on a Slurm cluster: one array task per shard.
#
#   sbatch --array=1-8 --cpus-per-task=2 examples/cluster/slurm-array.sh TRIALS OUTPUT
#
# TRIALS is a file with one trial folder per line (blank lines and # comments
# ignored) or a quoted glob such as '/data/trials/*'. Every task sees the same
# list and converts its own share (--shard K/N) of the (trial, camera) jobs,
# with -j from --cpus-per-task. A requeued or resubmitted task resumes
# (--resume): frames already written are not converted again. One log per
# task: trial-process-<job>_<task>.log in the submit folder.
#
# Set TRIAL_PROCESS to the binary if it is not on PATH, and GST_PLUGIN_PATH to
# the folder holding libgsttrial.so if the plugin is not installed (sbatch
# passes the environment on).
#SBATCH --job-name=trial-process
#SBATCH --output=trial-process-%A_%a.log
#SBATCH --cpus-per-task=2
set -euo pipefail

trials=${1:?usage: sbatch --array=1-N slurm-array.sh TRIALS OUTPUT}
output=${2:-trial_input}
tool=${TRIAL_PROCESS:-trial-process}

if [ -f "$trials" ]; then
  mapfile -t list < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$trials")
else
  # shellcheck disable=SC2206  # the glob is meant to expand here
  list=($trials)
fi

# Shard K of N whatever the array's numbering: --array=0-7, 1-8 and 1-15:2
# all give K = 1..N.
first=${SLURM_ARRAY_TASK_MIN:?not run as a Slurm array task}
step=${SLURM_ARRAY_TASK_STEP:-1}
k=$(( (SLURM_ARRAY_TASK_ID - first) / step + 1 ))
n=${SLURM_ARRAY_TASK_COUNT}

echo "task ${SLURM_ARRAY_TASK_ID} on $(hostname): shard $k/$n of ${#list[@]} trials"
exec "$tool" --all --resume --shard "$k/$n" -j "${SLURM_CPUS_PER_TASK:-1}" \
  -o "$output" "${list[@]}"
