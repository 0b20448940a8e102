using Finsam.Core.Scenarios;

namespace Finsam.Core.Economics;

/// <summary>
/// Who gains or loses money in the socio-economic account: the state (with FK and AF), the region, the kommun
/// and the individual. Society as a whole is their sum, so transfers and taxes cancel in it and only
/// production and real resource use remain.
/// </summary>
public enum Sector { Stat, Region, Kommun, Individual }

/// <summary>A public document a valuation cites: where to find it and when it was read.</summary>
public sealed record ValuationSource(string Id, string Title, string Address, string? Where, string Read);

/// <summary>
/// One valued number: an uncertain amount (drawn per replicate like any scenario number), the source it rests on,
/// its price year, and why the number is what it is. Every valuation is an assumption.
/// </summary>
public sealed record Valued(Param Value, string Source, int Year, string Assumption);

/// <summary>A public sector's real resources per person-month (health care, social services, AF or FK handling).</summary>
public sealed record ResourceUse(string Item, Sector Sector, Valued Monthly);

/// <summary>
/// What a person-month in an income state means beyond the ersättning the scenario's catalog already pays:
/// a gross wage (production) for work, whether the ersättning is income-taxed, and public resources used.
/// </summary>
public sealed record StateValuation(string Id, Valued? Wage, bool Taxable, IReadOnlyList<ResourceUse> Resources);

/// <summary>Resources used per person-month in an occupation (e.g. AF's handling of people in a programme).</summary>
public sealed record OccupationValuation(string Id, IReadOnlyList<ResourceUse> Resources);

/// <summary>The valuation catalog: rates on wages and taxable transfers, and per income state and occupation values.</summary>
public sealed record ValuationCatalog(
    string File, string Name, int PriceYear, IReadOnlyList<ValuationSource> Sources,
    Valued EmployerFee, Valued KommunTax, Valued RegionTax, Valued StateTax,
    IReadOnlyList<StateValuation> IncomeStates, IReadOnlyList<OccupationValuation> Occupations)
{
    /// <summary>Every valued number, in catalog order, with a readable name (for the report and the sensitivity analysis).</summary>
    public IEnumerable<(string Name, Valued Value)> All()
    {
        yield return ("employer fee (share of wage)", EmployerFee);
        yield return ("kommun income tax (share)", KommunTax);
        yield return ("region income tax (share)", RegionTax);
        yield return ("state income tax (share)", StateTax);
        foreach (var s in IncomeStates)
        {
            if (s.Wage is { } w) yield return ($"{s.Id}: gross wage per month", w);
            foreach (var r in s.Resources) yield return ($"{s.Id}: {r.Item} ({SectorNames.Key(r.Sector)})", r.Monthly);
        }
        foreach (var o in Occupations)
            foreach (var r in o.Resources) yield return ($"{o.Id}: {r.Item} ({SectorNames.Key(r.Sector)})", r.Monthly);
    }
}

/// <summary>
/// The scenario's <c>economics:</c> section: which valuation catalog, how many years to follow people after the
/// horizon (they keep their horizon-end state — an assumption), and the yearly discount rate.
/// </summary>
public sealed record EconomicsSettings(ValuationCatalog Catalog, int FollowUpYears, double DiscountRate);

public static class SectorNames
{
    public static readonly IReadOnlyList<Sector> All = [Sector.Stat, Sector.Region, Sector.Kommun, Sector.Individual];

    public static string Key(Sector s) => s switch
    {
        Sector.Stat => "stat", Sector.Region => "region", Sector.Kommun => "kommun", _ => "individual",
    };

    public static Sector? Parse(string? word) => word switch
    {
        "stat" or "FK" or "AF" => Sector.Stat,
        "region" or "landsting" => Sector.Region,
        "kommun" => Sector.Kommun,
        "individual" or "individ" => Sector.Individual,
        _ => null,
    };

    /// <summary>The sector that pays an ersättning or a contribution: FK and AF are the state's; others outside the förbund (CSN, pensions) too.</summary>
    public static Sector Of(PartyKind? kind) => kind switch
    {
        PartyKind.Region => Sector.Region,
        PartyKind.Kommun => Sector.Kommun,
        _ => Sector.Stat,
    };
}
