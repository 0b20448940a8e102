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
    /// <summary>Places paid for by the line plus places from staff lent in kind, [month * insatser + insats].</summary>
    public double[] FundedPlaces { get; }
    /// <summary>Funded share of each structural insats (scales its effects), [month * structural + k].</summary>
    public double[] StructuralFunded { get; }
    public double[] Contribution { get; }   // [month * parties + party], booked in each year's first month
    public double[] InKind { get; }         // [month * parties + party]
    public double[] LineSpend { get; }      // [month * lines + line]
    public double[] InsatsSpend { get; }    // [month * (individual + structural) + j]
    public IReadOnlyList<BudgetYearPlan> Years { get; }

    public BudgetPlan(ScenarioIndex ix, ReplicateModel model)
    {
        var s = ix.Scenario;
        var months = ix.Months;
        int nI = ix.Individual.Length, nK = ix.Structural.Length, nP = ix.Parties.Length, nL = ix.Lines.Length;
        FundedPlaces = new double[months * nI];
        StructuralFunded = new double[months * nK];
        Contribution = new double[months * nP];
        InKind = new double[months * nP];
        LineSpend = new double[months * nL];
        InsatsSpend = new double[months * (nI + nK)];
        var years = new List<BudgetYearPlan>();

        // What each insats asks for per running month, and the places that buys.
        var all = ix.Individual.Concat(ix.Structural).ToArray();
        var monthlyCost = new double[all.Length];
        var paidPlaces = new double[nI];
        var loanPlaces = new double[nI];
        for (var j = 0; j < all.Length; j++)
        {
            var ins = all[j];
            if (ins.Kind == InsatsKind.Structural)
            {
                monthlyCost[j] = ins.CostPerYear is null ? 0 : model.Draw(ins.CostPerYear) / 12;
                continue;
            }
            if (ins.Places is not null)
            {
                paidPlaces[j] = model.Draw(ins.Places);
                monthlyCost[j] = ins.CostPerPlaceMonth is null ? 0 : paidPlaces[j] * model.Draw(ins.CostPerPlaceMonth);
            }
            else
            {
                var fte = model.Draw(ins.Fte!);
                var caseload = model.Draw(ins.Caseload!);
                paidPlaces[j] = fte * caseload;
                monthlyCost[j] = ins.CostPerFteYear is null ? 0 : fte * model.Draw(ins.CostPerFteYear) / 12;
                var lent = s.Parties.SelectMany(p => p.Staff).Where(l => l.Insats == ins.Id).Sum(l => l.Fte);
                loanPlaces[j] = lent * caseload;
            }
        }

        bool Running(Insats ins, int m) =>
            (ins.Start is not { } a || m >= ix.MonthOf(a)) && (ins.Stop is not { } b || m <= ix.MonthOf(b));

        var carried = s.Budget.Equity;
        for (var first = 0; first < months;)
        {
            var year = ix.CalendarMonth(first).Year;
            var last = first;
            while (last + 1 < months && ix.CalendarMonth(last + 1).Year == year) last++;
            var yearFraction = (last - first + 1) / 12.0;
            var entry = s.Budget.ForYear(year);

            // Contributions (pro rata when the horizon covers part of the year).
            var amounts = s.Parties.Sum(p => p.Amount ?? 0);
            var total = entry.Total is null ? amounts : model.Draw(entry.Total);
            var contributions = new double[nP];
            for (var p = 0; p < nP; p++)
            {
                var party = ix.Parties[p];
                contributions[p] = (party.Amount ?? party.Share!.Value * Math.Max(0, total - amounts)) * yearFraction;
                Contribution[first * nP + p] = contributions[p];
                foreach (var loan in party.Staff)
                    for (var m = first; m <= last; m++)
                        InKind[m * nP + p] += loan.Fte * loan.ValuePerFteYear / 12;
            }
            var available = contributions.Sum() + carried;

            // Lines, and the fraction of what their insatser ask for that each line can pay.
            var lineMoney = new double[nL];
            var asked = new double[nL];
            for (var l = 0; l < nL; l++) lineMoney[l] = available * entry.Shares.GetValueOrDefault(ix.Lines[l]);
            for (var j = 0; j < all.Length; j++)
            {
                if (all[j].BudgetLine is not { } line) continue;
                var l = Array.IndexOf(ix.Lines, line);
                for (var m = first; m <= last; m++) if (Running(all[j], m)) asked[l] += monthlyCost[j];
            }
            var funded = new double[nL];
            for (var l = 0; l < nL; l++) funded[l] = asked[l] <= 0 ? 1 : Math.Min(1, lineMoney[l] / asked[l]);

            var spent = 0.0;
            for (var j = 0; j < all.Length; j++)
            {
                var l = all[j].BudgetLine is { } line ? Array.IndexOf(ix.Lines, line) : -1;
                var f = l < 0 ? 1 : funded[l];
                for (var m = first; m <= last; m++)
                {
                    if (j < nI) FundedPlaces[m * nI + j] = f * paidPlaces[j] + loanPlaces[j];
                    else StructuralFunded[m * nK + (j - nI)] = f;
                    if (l < 0 || !Running(all[j], m)) continue;
                    var cost = f * monthlyCost[j];
                    InsatsSpend[m * all.Length + j] += cost;
                    LineSpend[m * nL + l] += cost;
                    spent += cost;
                }
            }
            var unspent = lineMoney.Sum() - spent;
            years.Add(new BudgetYearPlan(year, contributions.Sum(), carried, lineMoney, funded, spent));
            carried = s.Budget.CarryOver ? Math.Max(0, unspent) : 0;
            first = last + 1;
        }
        Years = years;
    }
}

/// <summary>One year's money as planned: contributions, equity brought in, each line's money and funded fraction.</summary>
public sealed record BudgetYearPlan(int Year, double Contributions, double CarriedIn, double[] LineMoney, double[] LineFunded, double Spent);
