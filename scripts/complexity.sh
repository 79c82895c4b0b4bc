#!/usr/bin/env bash
# Complexity check: runs each path that once went quadratic at size n and 4n and fails when the
# time grows more than 8x (linear growth is 4x; quadratic is 16x). Generous enough to stay green
# on a noisy machine, tight enough to catch n^2. Best of three runs at each size; times under
# 50 ms count as 50 ms, so start-up noise cannot fail it.
#
#   scripts/complexity.sh            # builds the release binary first
#   PROPEX=path/to/propex scripts/complexity.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PROPEX:-}" ]; then
  cargo build --release --quiet
  PROPEX=target/release/propex
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import json, sys
d = sys.argv[1]
head = "建议/提案提出者: | 张三委员 | 建议/提案号: | 12 | |\n标题: | 关于加强社区服务的提案 | |||\n"
reply = ("承办单位: | 主办: | 甲局 | 协办: | 乙局 |\n答复日期: | 2023-05-01 | |||\n"
         "答复内容: | 张三委员: 您提出的提案收悉。 ")
for k, tag in ((20000, "n"), (80000, "4n")):
    # validate: one long line of unlabeled cells, a diagnostic for each
    open(f"{d}/cells_{tag}.txt", "w").write(head + "|".join(f"值{i}" for i in range(k)) + "|\n")
    # validate: a reply whose every measure repeats the number before it (outline-order)
    open(f"{d}/outline_{tag}.txt", "w").write(
        head + reply + " ".join("1.加强领导。具体做法。" for _ in range(k)) + " 感谢您的关心。 |\n")
    # validate: a converted record with a schema error for each item of a long list
    open(f"{d}/errors_{tag}.json", "w").write(json.dumps({"units": {"lead": [1] * k}}))
    # extract: a one-line reply of many paragraphs, each with items fused to its sentences
    # (every paragraph is cut, and the list of them rebuilt once)
    fused = []
    for i in range(2, 500):
        fused.append(f"说明。{i}.甲。")
        fused.extend(f"说明。({j})乙。" for j in range(1, k // 500))
    open(f"{d}/fused_{tag}.txt", "w").write(
        head + reply + "现答复如下:1.总述。" + " ".join(fused) + " |\n")
    # extract -q: half a million unlabeled cells in one line, scaled
    open(f"{d}/bare_{tag}.txt", "w").write("标题: | 关于 |\n" + "|".join("x" for _ in range(k * 5)) + "|\n")
for k, tag in ((50000, "n"), (200000, "4n")):
    # validate: deeply nested JSON
    open(f"{d}/deep_{tag}.json", "w").write("[" * k + "]" * k)
    # extract: pages nested k deep (the HTML5 tree builder searches its stack of open elements
    # for many tags; the page reader walks tables inside tables)
    body = "<p>您提出的建议收悉，现答复如下：加强管理，落实责任。</p>"
    open(f"{d}/divs_{tag}.html", "w").write("<body>" + "<div>" * k + body + "</div>" * k)
    open(f"{d}/lists_{tag}.html", "w").write("<body>" + "<ul><li>联系人：" * k + body)
    open(f"{d}/tables_{tag}.html", "w").write(
        "<body>" + "<table><tr><td>标题：</td><td>" * k + body + "</td></tr></table>" * k)
EOF

# Converted forms of the long outline: validate places each finding by its key path.
"$PROPEX" extract -q -f yaml "$work/outline_n.txt" > "$work/outline_yaml_n.yaml"
"$PROPEX" extract -q -f yaml "$work/outline_4n.txt" > "$work/outline_yaml_4n.yaml"
"$PROPEX" extract -q -f json "$work/outline_n.txt" > "$work/outline_json_n.json"
"$PROPEX" extract -q -f json "$work/outline_4n.txt" > "$work/outline_json_4n.json"

# Best of three wall-clock times of a command, in milliseconds.
best_ms() {
  local best=
  for _ in 1 2 3; do
    local start end ms
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

failed=0
check() {
  local name=$1 sub=$2 n=$3 big=$4
  shift 4
  local a b
  a=$(best_ms timeout 300 "$PROPEX" "$sub" "$@" "$work/$n")
  b=$(best_ms timeout 300 "$PROPEX" "$sub" "$@" "$work/$big")
  local floor=$(( a < 50 ? 50 : a ))
  local ratio=$(( b * 10 / floor ))
  printf '%-34s n: %6d ms  4n: %6d ms  growth: %d.%dx\n' "$name" "$a" "$b" $((ratio / 10)) $((ratio % 10))
  if [ "$b" -gt $(( floor * 8 )) ]; then
    echo "  FAILED: more than 8x for 4x the input"
    failed=1
  fi
}

check "validate: long line, many cells" validate cells_n.txt cells_4n.txt
check "validate: many outline findings" validate outline_n.txt outline_4n.txt
check "validate: findings in YAML" validate outline_yaml_n.yaml outline_yaml_4n.yaml
check "validate: findings in JSON" validate outline_json_n.json outline_json_4n.json
check "validate: many schema errors" validate errors_n.json errors_4n.json
check "validate: deep JSON" validate deep_n.json deep_4n.json
check "extract -q: many bare cells" extract bare_n.txt bare_4n.txt -q
check "extract: many bare cells" extract bare_n.txt bare_4n.txt
# --spans on one long line of many measures: each span's column is counted once, in order.
check "extract --spans: one long letter" extract outline_n.txt outline_4n.txt -q -f jsonl --spans
# A one-line reply whose paragraphs each hold items fused to the sentence before them.
check "extract: fused items in one line" extract fused_n.txt fused_4n.txt -q -f jsonl
# Pages nested deeper than any real one: past a depth, tags are blanked before the parse.
check "extract: divs nested deep" extract divs_n.html divs_4n.html -q
check "extract: lists nested deep" extract lists_n.html lists_4n.html -q
check "extract: tables nested deep" extract tables_n.html tables_4n.html -q
# review: the page of a long letter (spans, diagnostics, one JSON block).
check "review: one long letter" review outline_n.txt outline_4n.txt

if [ "$failed" -ne 0 ]; then
  echo "complexity: some path grows faster than linear"
  exit 1
fi
echo "complexity: every path grows linearly"
