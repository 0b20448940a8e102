using Finsam.Core.Scenarios;

namespace Finsam.Core.Loading;

/// <summary><c>target_groups[]</c>: who is referred, as mixes of income state, occupation, age and gender.</summary>
internal sealed class TargetGroupReader(ReadingContext cx)
{
    public TargetGroup? Read(MapView m)
    {
        var id = m.Str("id", required: true);
        var name = m.Str("name") ?? id;
        var income = m.Mix("income", cx.Ids.IncomeStates.Contains, "income state", required: true);
        var occ = m.Mix("occupation", cx.Ids.Occupations.Contains, "occupation", required: true);
        var age = m.Mix("age", _ => true, "age band") ?? new Mix(m.Sub("age"), ["alla"], [1], false);
        var gender = m.Mix("gender", _ => true, "gender") ?? new Mix(m.Sub("gender"), ["okänt"], [1], false);
        m.Str("description");
        m.Str("source");
        m.Done();
        return id is null || income is null || occ is null ? null : new TargetGroup(id, name!, income, occ, age, gender);
    }
}
