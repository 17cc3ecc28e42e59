#!/usr/bin/env bash
# mspinn -help exits 0 and lists every mspinn option with its default.
set -u
bin=$1
out=$("$bin" -help 2>&1) || { echo "FAIL: -help exited non-zero"; exit 1; }
fail=0
for o in -problem_name -pde_type -pde_dim -pde_k -pde_exact -pde_source -pde_boundary -pde_initial -ansatz_lift -ansatz_distance -ansatz_stages -data_outside \
         -domain_lower -domain_upper -points_interior_type -points_interior_n -points_boundary_n \
         -points_eval_n -points_seed -loss_boundary_weight -net_layers -net_width -net_widths \
         -net_activation -net_first_activation -net_kappa -net_output_scale -net_seed -net_block_size \
         -output -output_write -monitor -stage_gamma -tao_type -tao_max_it -tao_mslm_lambda \
         -tao_mslm_lambda_max -tao_mslm_stall_it -stage_rate_ratio -solve_max_seconds -stage_resolve_ratio -stage_resolve_max; do
  line=$(printf '%s\n' "$out" | grep -m1 -- "  $o[ <:]") || { echo "FAIL: $o not listed"; fail=1; continue; }
  printf '%s\n' "$line" | grep -q "<" || { echo "FAIL: $o listed without its default: $line"; fail=1; }
done
[ $fail -eq 0 ] && echo "PASS: every option listed with its default"
exit $fail
