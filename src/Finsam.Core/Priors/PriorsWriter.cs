using System.Globalization;
using System.Text;

namespace Finsam.Core.Priors;

/// <summary>
/// Writes a <see cref="LearnedModel"/> as a portable priors file (docs/validation.md §4.4): keyed by insats
/// kind and start class, never by a scenario's ids, so any förbund's scenario can use it with <c>priors: FILE</c>.
/// The same model always gives the same bytes.
/// </summary>
public static class PriorsWriter
{
    public const string DefaultKind = "default";

    public static string Write(LearnedModel model, string madeBy)
    {
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');
        L("# Finsam priors: the posterior predictive of a new insats by kind, learned from an evidence library.");
        L("# Written by 'finsam learn'; docs/validation.md §4 describes the model. Do not edit by hand: re-run learn.");
        L("finsam_priors: 1");
        L($"made_by: {Q(madeBy)}");
        L($"evidence: {{ sources: {model.Sources}, insatser: {model.Insatser} }}");
        L("classes:");
        foreach (var c in OutcomeClasses.All)
            L($"  {c}: [{string.Join(", ", OutcomeClasses.Occupations.Where(kv => kv.Value == c).Select(kv => kv.Key))}]");
        L($"class_occupation: {{ {string.Join(", ", OutcomeClasses.All.Select(c => $"{c}: {OutcomeClasses.Representative[c]}"))} }}");
        L("pooling:");
        var e = model.Exits;
        L($"  exits: {{ insatser: {e.Insatser}, iterations: {e.Iterations}, insats_concentration: {N(e.Theta.UnitConcentration)}, kind_concentration: {N(e.Theta.GroupConcentration)}, complete_distributions: {e.Complete}, {(e.SpreadUnknown ? $"chosen_by: {Q($"fewer than {ExitPriorFitter.MinimumComplete} complete distributions: the spread between insatser is unknown, set wide")}, unknown: true" : $"chosen_by: {Q($"leave-one-source-out likelihood over {e.Candidates} grid points")}, leave_one_source_out_log_likelihood: {N(e.LeaveOneOutLogLikelihood)}")}, uniform_concentration: {N(e.Theta.GlobalConcentration)}{Calibrated(e)}{Boundary(e.Theta)} }}");
        L($"  keep_start: {{ kind_concentration: {N(e.Keep.GroupConcentration)}{Boundary(e.Keep)} }}");
        L($"  dropout: {{ insatser: {model.DropoutInsatser}, insats_concentration: {N(model.Dropout.UnitConcentration)}, kind_concentration: {N(model.Dropout.GroupConcentration)}{Boundary(model.Dropout)} }}");
        L($"  stay: {Spread(model.Stay)}");
        L($"  participants_per_fte: {Spread(model.Caseload)}");
        L($"  places_used: {Spread(model.PlacesUsed)}");
        L($"  starts_per_month: {Spread(model.StartsPerMonth)}");
        L("kinds:");
        foreach (var kind in model.Kinds.Append(DefaultKind))
        {
            var k = kind == DefaultKind ? null : kind;
            var (ins, src) = k is not null && model.Support.TryGetValue(k, out var s) ? s : (kind == DefaultKind ? model.Insatser : 0, kind == DefaultKind ? model.Sources : 0);
            L($"  {kind}:");
            L(kind == DefaultKind
                ? $"    evidence: {{ insatser: {ins}, sources: {src}, note: \"all kinds pooled: for a kind not listed\" }}"
                : $"    evidence: {{ insatser: {ins}, sources: {src}{(ins == 0 ? ", note: \"no evidence of this kind: the pooled mean of all kinds, with its spread\"" : "")} }}");
            L("    exits:");
            var (keep, keepC) = e.KeepShare(k);
            L($"      keep_start: {{ beta: [{N(Math.Max(1e-4, keep * keepC))}, {N(Math.Max(1e-4, (1 - keep) * keepC))}] }}   # mean {P(keep)}");
            var (m, c) = (e.Theta.Predictive(k).Mean, e.Concentration(k));
            L($"      others: {Dirichlet(m, c)}");
            L("      by_start:");
            for (var st = 0; st < OutcomeClasses.Count; st++)
            {
                var (rm, rc) = e.RowDirichlet(k, st);
                L($"        {OutcomeClasses.All[st]}: {Dirichlet(rm, rc)}");
            }
            var (um, uc) = e.RowDirichlet(k, null);
            L($"        unknown: {Dirichlet(um, uc)}");
            var (ds, dc, du) = model.DropoutShare(k);
            L($"    dropout_share: {{ beta: [{N(ds * dc)}, {N((1 - ds) * dc)}]{Unknown(du)} }}   # mean {P(ds)}");
            var (dm, dmc, dmu) = model.DropoutMonthly(k);
            L($"    dropout_monthly: {{ beta: [{N(dm * dmc)}, {N((1 - dm) * dmc)}]{Unknown(dmu)} }}   # mean {P(dm)}");
            L($"    stay_months: {LogNormal(model.Stay.Predictive(k))}");
            L($"    participants_per_fte: {LogNormal(model.Caseload.Predictive(k))}");
            L($"    places_used: {LogNormal(model.PlacesUsed.Predictive(k))}");
            L($"    starts_per_month: {LogNormal(model.StartsPerMonth.Predictive(k))}   # when only the period is known");
        }
        if (model.Roles.Count > 0)
        {
            L("roles:   # participants per FTE of each role, all kinds pooled");
            foreach (var (role, fit) in model.Roles.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                L($"  {Q(role)}: {LogNormal(fit.Predictive(null))}");
        }
        return sb.ToString();
    }

    private static string Calibrated(ExitPriorFit e) =>
        e.InnerCoverage is { } c ? $", spread_scale: {N(e.SpreadScale)}, spread_chosen_by: {Q($"leave-one-source-out 90 % coverage {c.Inside}/{c.Cells}")}" : "";

    private static string Boundary(HierarchicalFit f) =>
        f.Boundary.Count == 0 ? "" : $", note: {Q(string.Join("; ", f.Boundary))}";

    private static string Spread(LogNormalPool.Fit f) =>
        $"{{ insatser: {f.Total}, within_kind_log_sd: {N(Math.Sqrt(f.Tau2))}, between_kinds_log_sd: {N(Math.Sqrt(f.Omega2))} }}";

    private static string Unknown(bool unknown) => unknown ? ", unknown: true" : "";

    private static string Dirichlet(double[] mean, double concentration) =>
        $"{{ dirichlet: {{ {string.Join(", ", OutcomeClasses.All.Select((c, i) => $"{c}: {N(Math.Max(1e-4, mean[i] * concentration))}"))} }} }}";

    private static string LogNormal(LogNormalPrior p) =>
        $"{{ median: {N(p.Median)}, log_sd: {N(p.Sigma)}, mean: {N(p.Mean)}, p5: {N(p.Quantile(0.05))}, p95: {N(p.Quantile(0.95))}, insatser: {p.Insatser}{Unknown(p.Unknown)} }}";

    internal static string N(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Q(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
