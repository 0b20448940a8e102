using Finsam.Core.Scenarios;

namespace Finsam.Core.Calibration;

/// <summary>
/// The conjugate update of a Dirichlet prior by multinomial counts: Dirichlet(α) and counts n give
/// Dirichlet(α + n). Exact when every count is an independent draw from the mix being updated.
/// </summary>
public static class DirichletUpdate
{
    /// <summary>Posterior weights α + n, category by category.</summary>
    public static double[] Posterior(IReadOnlyList<double> alpha, IReadOnlyList<double> counts)
    {
        if (alpha.Count != counts.Count) throw new ArgumentException("alpha and counts have different lengths");
        return alpha.Select((a, k) => a + counts[k]).ToArray();
    }

    /// <summary>Posterior mean shares (α + n) / Σ(α + n).</summary>
    public static double[] PosteriorMean(IReadOnlyList<double> alpha, IReadOnlyList<double> counts)
    {
        var post = Posterior(alpha, counts);
        var total = post.Sum();
        return post.Select(w => w / total).ToArray();
    }

    /// <summary>
    /// The posterior of a Dirichlet mix after <paramref name="counts"/> by category. A category the
    /// prior leaves out (weight 0, so impossible) but that was observed is added with its count and
    /// listed in <paramref name="added"/>: strictly, the data contradict such a prior.
    /// </summary>
    public static Mix Posterior(Mix prior, IReadOnlyDictionary<string, double> counts, out IReadOnlyList<string> added)
    {
        if (!prior.IsDirichlet) throw new ArgumentException($"{prior.Key} is a fixed mix, not a Dirichlet prior");
        var categories = prior.Categories.ToList();
        var weights = prior.Weights.ToList();
        var extra = new List<string>();
        foreach (var (category, n) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (n <= 0) continue;
            var at = categories.IndexOf(category);
            if (at >= 0)
            {
                if (weights[at] <= 0) extra.Add(category);
                weights[at] += n;
                continue;
            }
            categories.Add(category);
            weights.Add(n);
            extra.Add(category);
        }
        added = extra;
        return prior with { Categories = categories, Weights = weights };
    }
}
