using Finsam.Core.Results;
using Finsam.Core.Scenarios;

namespace Finsam.Core.Simulation;

/// <summary>
/// Money for one replicate, year by year: parties' contributions → budget lines (by that year's shares)
/// → insatser on each line. When a line cannot pay for everything asked of it, every insats on it is
/// funded by the same fraction, and capacity shrinks with it (money buys capacity). Places are paid
/// for whether filled or not, so the plan does not depend on the simulation and is made up front.
/// Unspent money is carried into next year when the budget says so.
/// </summary>
public sealed class BudgetPlan
{
    private readonly ScenarioIndex _ix;
    private readonly Insats[] _all;       // individual insatser, then structural ones
    private readonly Ask[] _asks;         // [insats in _all]
    private readonly int[] _line;         // [insats in _all] budget line, -1 when none

    /// <summary>Places paid for by the line plus places from staff lent in kind, [month, insats].</summary>
    public MonthGrid<double> FundedPlaces { get; }
    /// <summary>Funded share of each structural insats (scales its effects), [month, structural insats].</summary>
    public MonthGrid<double> StructuralFunded { get; }
    /// <summary>[month, party], booked in each year's first month.</summary>
    public MonthGrid<double> Contribution { get; }
    public MonthGrid<double> InKind { get; }        // [month, party]
    public MonthGrid<double> LineSpend { get; }     // [month, line]
    public MonthGrid<double> InsatsSpend { get; }   // [month, individual insatser then structural ones]
    public IReadOnlyList<BudgetYearPlan> Years { get; }

    public BudgetPlan(ScenarioIndex ix, ReplicateModel model)
    {
        _ix = ix;
        var months = ix.Months;
        _all = [.. ix.Individual, .. ix.Structural];
        FundedPlaces = new MonthGrid<double>(months, ix.Individual.Length);
        StructuralFunded = new MonthGrid<double>(months, ix.Structural.Length);
        Contribution = new MonthGrid<double>(months, ix.Parties.Length);
        InKind = new MonthGrid<double>(months, ix.Parties.Length);
        LineSpend = new MonthGrid<double>(months, ix.Lines.Length);
        InsatsSpend = new MonthGrid<double>(months, _all.Length);
        _asks = _all.Select(ins => AskOf(ins, model)).ToArray();
        _line = _all.Select(ins => ins.BudgetLine is { } line ? Array.IndexOf(ix.Lines, line) : -1).ToArray();

        var years = new List<BudgetYearPlan>();
        var carried = ix.Scenario.Budget.Equity;
        for (var first = 0; first < months;)
        {
            var year = ix.CalendarMonth(first).Year;
            var last = first;
            while (last + 1 < months && ix.CalendarMonth(last + 1).Year == year) last++;
            var plan = PlanYear(year, first, last, carried, model);
            years.Add(plan);
            carried = ix.Scenario.Budget.CarryOver ? Math.Max(0, plan.LineMoney.Sum() - plan.Spent) : 0;
            first = last + 1;
        }
        Years = years;
    }

    /// <summary>What an insats asks for per running month, and the places that buys (paid for, and lent in kind).</summary>
    private readonly record struct Ask(double MonthlyCost, double PaidPlaces, double LoanPlaces);

    private Ask AskOf(Insats ins, ReplicateModel model)
    {
        if (ins.Kind == InsatsKind.Structural)
            return new Ask(ins.CostPerYear is null ? 0 : model.Draw(ins.CostPerYear) / 12, 0, 0);
        if (ins.Places is not null)
        {
            var places = model.Draw(ins.Places);
            return new Ask(ins.CostPerPlaceMonth is null ? 0 : places * model.Draw(ins.CostPerPlaceMonth), places, 0);
        }
        var fte = model.Draw(ins.Fte!);
        var caseload = model.Draw(ins.Caseload!);
        var lent = _ix.Scenario.Parties.SelectMany(p => p.Staff).Where(l => l.Insats == ins.Id).Sum(l => l.Fte);
        return new Ask(ins.CostPerFteYear is null ? 0 : fte * model.Draw(ins.CostPerFteYear) / 12, fte * caseload, lent * caseload);
    }

    /// <summary>A year (months <paramref name="first"/>…<paramref name="last"/>): contributions, each line's money and funded fraction, then spending.</summary>
    private BudgetYearPlan PlanYear(int year, int first, int last, double carried, ReplicateModel model)
    {
        var entry = _ix.Scenario.Budget.ForYear(year);
        var contributions = BookContributions(entry, first, last, model);
        var available = contributions.Sum() + carried;
        var lineMoney = new double[_ix.Lines.Length];
        for (var l = 0; l < lineMoney.Length; l++) lineMoney[l] = available * entry.Shares.GetValueOrDefault(_ix.Lines[l]);
        var funded = FundedFractions(lineMoney, first, last);
        var spent = Spend(funded, first, last);
        return new BudgetYearPlan(year, contributions.Sum(), carried, lineMoney, funded, spent);
    }

    /// <summary>Each party's contribution (pro rata when the horizon covers part of the year), booked in the year's first month, and its staff lent in kind.</summary>
    private double[] BookContributions(BudgetYear entry, int first, int last, ReplicateModel model)
    {
        var s = _ix.Scenario;
        var yearFraction = (last - first + 1) / 12.0;
        var amounts = s.Parties.Sum(p => p.Amount ?? 0);
        var total = entry.Total is null ? amounts : model.Draw(entry.Total);
        var contributions = new double[_ix.Parties.Length];
        for (var p = 0; p < contributions.Length; p++)
        {
            var party = _ix.Parties[p];
            contributions[p] = (party.Amount ?? party.Share!.Value * Math.Max(0, total - amounts)) * yearFraction;
            Contribution[first, p] = contributions[p];
            foreach (var loan in party.Staff)
                for (var m = first; m <= last; m++)
                    InKind[m, p] += loan.Fte * loan.ValuePerFteYear / 12;
        }
        return contributions;
    }

    /// <summary>The fraction of what its insatser ask for in the year that each line can pay (at most 1).</summary>
    private double[] FundedFractions(double[] lineMoney, int first, int last)
    {
        var asked = new double[lineMoney.Length];
        for (var j = 0; j < _all.Length; j++)
        {
            if (_line[j] < 0) continue;
            for (var m = first; m <= last; m++) if (Running(_all[j], m)) asked[_line[j]] += _asks[j].MonthlyCost;
        }
        var funded = new double[lineMoney.Length];
        for (var l = 0; l < funded.Length; l++) funded[l] = asked[l] <= 0 ? 1 : Math.Min(1, lineMoney[l] / asked[l]);
        return funded;
    }

    /// <summary>The places and effects each insats's funding buys, and what it spends month by month; returns the year's spending.</summary>
    private double Spend(double[] funded, int first, int last)
    {
        var nI = _ix.Individual.Length;
        var spent = 0.0;
        for (var j = 0; j < _all.Length; j++)
        {
            var l = _line[j];
            var f = l < 0 ? 1 : funded[l];
            var ask = _asks[j];
            for (var m = first; m <= last; m++)
            {
                if (j < nI) FundedPlaces[m, j] = f * ask.PaidPlaces + ask.LoanPlaces;
                else StructuralFunded[m, j - nI] = f;
                if (l < 0 || !Running(_all[j], m)) continue;
                var cost = f * ask.MonthlyCost;
                InsatsSpend[m, j] += cost;
                LineSpend[m, l] += cost;
                spent += cost;
            }
        }
        return spent;
    }

    private bool Running(Insats ins, int m) =>
        (ins.Start is not { } a || m >= _ix.MonthOf(a)) && (ins.Stop is not { } b || m <= _ix.MonthOf(b));
}

/// <summary>One year's money as planned: contributions, equity brought in, each line's money and funded fraction.</summary>
public sealed record BudgetYearPlan(int Year, double Contributions, double CarriedIn, double[] LineMoney, double[] LineFunded, double Spent);
