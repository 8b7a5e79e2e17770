#!/usr/bin/env bash
# First paint and question latency of the real app (tmux, screen polled every 0.1 s). Needs tmux and bc.
# Uses FINSAM_DATA_DIR / FINSAM_CORPUS_DIR from the environment; build the index first (finsam index).
REPO=$(cd "$(dirname "$0")/.." && pwd)
tmux kill-server 2>/dev/null
start=$(date +%s.%N)
tmux new-session -d -s fs -x 100 -y 30 "cd $REPO && .venv/bin/finsam"
until tmux capture-pane -p -t fs 2>/dev/null | grep -q "Samtal"; do sleep 0.1; done
paint=$(date +%s.%N)
until tmux capture-pane -p -t fs | grep -q "Klar"; do sleep 0.1; done
ready=$(date +%s.%N)
tmux send-keys -t fs "Hur många deltagare hade Arbetsmarknadstorget under 2017?" Enter
asked=$(date +%s.%N)
until tmux capture-pane -p -t fs | grep -q "fråga 1"; do sleep 0.1; done
answered=$(date +%s.%N)
tmux send-keys -t fs "Vilka är huvudmän i Samordningsförbundet Södra Norrbotten?" Enter
asked2=$(date +%s.%N)
until tmux capture-pane -p -t fs | grep -q "fråga 2"; do sleep 0.1; done
answered2=$(date +%s.%N)
printf "first paint %.2f s; engine ready %.2f s; first question %.2f s; second question %.2f s\n" \
  "$(echo "$paint - $start" | bc)" "$(echo "$ready - $start" | bc)" "$(echo "$answered - $asked" | bc)" "$(echo "$answered2 - $asked2" | bc)"
tmux kill-server
