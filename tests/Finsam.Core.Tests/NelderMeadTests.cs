using Finsam.Core.Calibration;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Finsam.Core.Tests;

/// <summary>
/// <see cref="NelderMead"/> asks for the very points MathNet's <c>NelderMeadSimplex</c> evaluates — the same
/// bits, in the same order, stopping at the same place — so calibration's overlays did not change when it
/// moved off MathNet to evaluate points side by side.
/// </summary>
public class NelderMeadTests
{
    public static TheoryData<string, int, double> Cases() => new()
    {
        { "rosenbrock", 120, 1e-4 },
        { "rosenbrock", 2000, 1e-8 },
        { "quadratic3", 120, 1e-4 },
        { "quadratic3", 400, 1e-10 },
        { "steps1", 120, 1e-4 },          // flat stretches: ties and shrinks
        { "steps2", 60, 1e-4 },
        { "steps3", 200, 1e-6 },
        { "abs1", 40, 1e-4 },
        { "noisy2", 120, 1e-4 },           // a bumpy surface, like a sampled objective
    };

    private static double F(string name, double[] x) => name switch
    {
        "rosenbrock" => Math.Pow(1 - x[0], 2) + 100 * Math.Pow(x[1] - x[0] * x[0], 2),
        "quadratic3" => Math.Pow(x[0] - 0.3, 2) + 2 * Math.Pow(x[1] + 0.7, 2) + 0.5 * Math.Pow(x[2] - 0.1, 2) + 0.3 * x[0] * x[1],
        "steps1" => Math.Floor(Math.Abs(x[0] - 0.42) * 8),
        "steps2" => Math.Floor(Math.Abs(x[0] + 0.3) * 4) + Math.Floor(Math.Abs(x[1] - 0.2) * 4),
        "steps3" => Math.Round(Math.Pow(x[0] - 0.1, 2) + Math.Pow(x[1], 2) + Math.Pow(x[2] + 0.2, 2), 2),
        "abs1" => Math.Abs(x[0] - 0.3) + 5,
        "noisy2" => Math.Pow(x[0] - 0.2, 2) + Math.Pow(x[1] + 0.1, 2) + 0.01 * Math.Sin(37 * x[0]) * Math.Cos(23 * x[1]),
        _ => throw new ArgumentException(name),
    };

    private static int Dimensions(string name) => name switch { "quadratic3" or "steps3" => 3, "steps1" or "abs1" => 1, _ => 2 };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Asks_for_the_points_MathNet_evaluates_in_its_order(string name, int maxIterations, double tolerance)
    {
        var n = Dimensions(name);
        var start = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 0.0 : -0.5).ToArray();
        var step = Enumerable.Repeat(0.15, n).ToArray();

        var theirs = new List<double[]>();
        bool theyConverged;
        try
        {
            new NelderMeadSimplex(tolerance, maxIterations).FindMinimum(
                ObjectiveFunction.Value(x => { theirs.Add(x.ToArray()); return F(name, x.ToArray()); }),
                Vector<double>.Build.DenseOfArray(start), Vector<double>.Build.DenseOfArray(step));
            theyConverged = true;
        }
        catch (MaximumIterationsException)
        {
            theyConverged = false;
        }

        var ours = new List<double[]>();
        var outcome = await NelderMead.MinimiseAsync(ask =>
        {
            ours.AddRange(ask.Needed.Select(p => (double[])p.Clone()));
            return Task.FromResult(ask.Needed.Select(p => F(name, p)).ToArray());
        }, start, step, tolerance, maxIterations);

        Assert.Equal(theyConverged, outcome.Converged);
        Assert.Equal(theirs.Count, ours.Count);
        for (var k = 0; k < theirs.Count; k++)
            Assert.True(theirs[k].Zip(ours[k]).All(t => BitConverter.DoubleToInt64Bits(t.First) == BitConverter.DoubleToInt64Bits(t.Second)),
                $"evaluation {k}: MathNet [{string.Join(", ", theirs[k])}], ours [{string.Join(", ", ours[k])}]");
    }

    [Fact]
    public async Task Finds_the_minimum_of_a_bowl()
    {
        var outcome = await NelderMead.MinimiseAsync(ask => Task.FromResult(ask.Needed.Select(p => Math.Pow(p[0] - 1, 2) + Math.Pow(p[1] + 2, 2)).ToArray()),
            [0, 0], [0.5, 0.5], 1e-12, 5000);
        Assert.True(outcome.Converged);
        Assert.Equal(1, outcome.Point[0], 3);
        Assert.Equal(-2, outcome.Point[1], 3);
    }
}
