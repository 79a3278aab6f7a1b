#!/usr/bin/env bash
# Converts many trials with GNU parallel, on this machine or on several.
#
#   examples/cluster/parallel.sh TRIALS OUTPUT [parallel options...]
#
#   # this machine: as many trials at once as cores / THREADS
#   examples/cluster/parallel.sh trials.txt trial_input
#   # several machines sharing the file system (one ssh login per line,
#   # e.g. "4/node1" for 4 jobs on node1; ':' is this machine)
#   examples/cluster/parallel.sh trials.txt trial_input --sshloginfile nodes.txt
#
# TRIALS is a file with one trial folder per line (blank lines and # comments
# ignored). Each trial is one job
# (trial-process --all: every camera). THREADS (default 2) threads per job.
# The job log OUTPUT/parallel.joblog lets a second run redo only the trials
# that failed or never ran (--resume-failed), and --resume inside each job
# keeps the frames an interrupted run already wrote.
set -euo pipefail

trials=${1:?usage: parallel.sh TRIALS OUTPUT [parallel options...]}
output=${2:?usage: parallel.sh TRIALS OUTPUT [parallel options...]}
shift 2
tool=${TRIAL_PROCESS:-trial-process}
threads=${THREADS:-2}
cores=$(nproc)
jobs=$(( cores / threads > 0 ? cores / threads : 1 ))

mkdir -p "$output"
exec parallel --will-cite --joblog "$output/parallel.joblog" --resume-failed \
  --jobs "$jobs" --halt never --env GST_PLUGIN_PATH "$@" \
  "$tool" --all --resume --quiet -j "$threads" -o "$output" {} \
  :::: <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$trials")
