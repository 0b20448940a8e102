using Finsam.Core.Evidence;
using Finsam.Core.Loading;
using Finsam.Core.Priors;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Finsam.Core.Tests;

/// <summary>
/// Count-censored records ("at least x of n went there"): the likelihood sums over every split of the unplaced
/// people, equals the plain Dirichlet–multinomial without them and the binomial tail for a fixed share, and a
/// record naming one share no longer teaches the model that everyone went there.
/// </summary>
public sealed class CensoredCountsTests
{
    private static double LogDirMult(double[] x, double[] alpha)
    {
        var n = x.Sum();
        var s = SpecialFunctions.GammaLn(n + 1) + SpecialFunctions.GammaLn(alpha.Sum()) - SpecialFunctions.GammaLn(alpha.Sum() + n);
        for (var i = 0; i < x.Length; i++)
            s += SpecialFunctions.GammaLn(alpha[i] + x[i]) - SpecialFunctions.GammaLn(alpha[i]) - SpecialFunctions.GammaLn(x[i] + 1);
        return s;
    }

    [Fact]
    public void Without_unplaced_people_it_is_the_dirichlet_multinomial()
    {
        double[] x = [5, 0, 7], alpha = [1.5, 0.7, 2.2];
        Assert.Equal(LogDirMult(x, alpha), CensoredCounts.LogLikelihood(x, 0, alpha), 9);
    }

    [Fact]
    public void It_sums_the_dirichlet_multinomial_over_every_split_of_the_rest()
    {
        double[] x = [3, 1, 0], alpha = [0.8, 1.9, 2.5];
        const int rest = 4;
        var sum = 0.0;
        for (var a = 0; a <= rest; a++)
            for (var b = 0; a + b <= rest; b++)
                sum += Math.Exp(LogDirMult([x[0] + a, x[1] + b, rest - a - b], alpha));
        Assert.Equal(Math.Log(sum), CensoredCounts.LogLikelihood(x, rest, alpha), 9);
        // E[a], E[b], E[c] by brute force against the forward–backward expectations.
        var e = new double[3];
        for (var a = 0; a <= rest; a++)
            for (var b = 0; a + b <= rest; b++)
            {
                var p = Math.Exp(LogDirMult([x[0] + a, x[1] + b, rest - a - b], alpha)) / sum;
                e[0] += p * a; e[1] += p * b; e[2] += p * (rest - a - b);
            }
        var expected = CensoredCounts.Expected(x, rest, alpha);
        for (var i = 0; i < 3; i++) Assert.Equal(x[i] + e[i], expected[i], 9);
        Assert.Equal(x.Sum() + rest, expected.Sum(), 9);
    }

    [Fact]
    public void For_a_fixed_share_one_named_count_is_the_binomial_tail()
    {
        // "At least 52 of 100 went there" with a forecast share of 0.45: P(Binomial(100, 0.45) ≥ 52).
        var log = CensoredCounts.LogLikelihood([52, 0], 48, [CensoredCounts.Fixed * 0.45, CensoredCounts.Fixed * 0.55]);
        var tail = 1 - Binomial.CDF(0.45, 100, 51);
        Assert.Equal(Math.Log(tail), log, 4);
    }

    private static EvidenceInsats Insats(string id, double[] exits, double rest = 0)
    {
        EvidenceCategory Cat(int c) => new(OutcomeClasses.All[c], new HashSet<string>([OutcomeClasses.Representative[OutcomeClasses.All[c]]]));
        var cells = exits.Select((n, c) => (n, c)).Where(p => p.n > 0).Select(p => new EvidenceCell(null, Cat(p.c), p.n)).ToList();
        var record = new EvidenceRecord(EvidenceVocabulary.ExitOccupation, "ended", exits.Sum() + rest, cells, rest,
            EvidenceVocabulary.Unknown, null, null, "t", SourcePos.None);
        return new EvidenceInsats("s-" + id, id, id, null, "samverkansteam", [], null, null, [], null, null, null, null, null, [record], SourcePos.None);
    }

    [Fact]
    public void A_record_naming_one_share_is_a_lower_bound_not_a_distribution()
    {
        // Complete records: about a fifth to work. One big record says "at least 60 of 200 went to work", rest Okänt.
        var complete = Enumerable.Range(0, 5).Select(i => Insats("c" + i, [8 + i % 2, 4, 10, 12, 6])).ToList();
        var censored = Insats("big", [60, 0, 0, 0, 0], rest: 140);
        var exits = ExitEvidence.Of(censored)!;
        Assert.Equal(140, exits.Censored);
        Assert.True(exits.CensoredScorable);
        Assert.False(exits.Scorable);

        var pooled = LibraryBacktest.PooledClasses(ExitEvidence.From([.. complete, censored]))!;
        // Read as a fair sample it would be 260 of 460 placed exits to work (57 %); as a lower bound it stays near the rest.
        Assert.InRange(pooled[0], 0.15, 0.35);
        var fit = ExitPriorFitter.Fit(ExitEvidence.From([.. complete, censored]));
        var mean = fit.MeanExit("samverkansteam", (int?)null);
        Assert.InRange(mean[0], 0.1, 0.4);
    }

    [Fact]
    public void Lower_bounds_alone_leave_the_spread_between_insatser_unknown_and_wide()
    {
        var censoredOnly = Enumerable.Range(0, 6).Select(i => Insats("b" + i, [20 + i, 0, 0, 0, 0], rest: 60)).ToList();
        var fit = ExitPriorFitter.Fit(ExitEvidence.From(censoredOnly));
        Assert.True(fit.SpreadUnknown);
        Assert.Equal(ExitPriorFitter.UnknownSpread.A, fit.Theta.UnitConcentration);

        var complete = Enumerable.Range(0, 4).Select(i => Insats("c" + i, [8 + i, 4, 10, 12 - i, 6])).ToList();
        var withComplete = ExitPriorFitter.Fit(ExitEvidence.From([.. complete, .. censoredOnly]));
        Assert.False(withComplete.SpreadUnknown);
        Assert.Equal(4, withComplete.Complete);
        Assert.True(withComplete.Candidates > 1);
    }
}
