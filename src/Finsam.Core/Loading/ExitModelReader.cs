using Finsam.Core.Scenarios;
using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>Exit models: the mix of exit occupations by the occupation a participant started in.</summary>
internal sealed class ExitModelReader(ReadingContext cx)
{
    /// <summary>
    /// <c>exit_models[]</c>: <c>{ id, rows: { start occupation: mix, …, default: mix } }</c>. The default row
    /// is needed unless every occupation has its own row.
    /// </summary>
    public ExitModel? Read(MapView m, IReadOnlyList<Occupation> occupations)
    {
        var id = m.Str("id", required: true);
        m.Str("name");
        m.Str("description");
        m.Str("source");
        m.Str("note");
        var rows = m.Child("rows", required: true);
        var list = new List<ExitRow>();
        Mix? fallback = null;
        var ok = rows is not null;
        if (rows is not null)
        {
            foreach (var (k, _) in rows.Node.Children)
            {
                var start = ((YamlScalarNode)k).Value ?? "";
                if (start == "default")
                {
                    fallback = rows.Mix("default", cx.Ids.Occupations.Contains, "occupation");
                    ok &= fallback is not null;
                    continue;
                }
                if (!cx.Ids.Ref(cx.Ids.Occupations, start, k, rows.Sub(start), "start occupation"))
                {
                    rows.Get(start);
                    ok = false;
                    continue;
                }
                var mix = rows.Mix(start, cx.Ids.Occupations.Contains, "occupation");
                if (mix is null) ok = false;
                else list.Add(new ExitRow(start, mix));
            }
            if (rows.Node.Children.Count == 0)
            {
                cx.R.Error(rows.Node, rows.Path, "an exit model needs at least one row: 'start occupation: mix of exit occupations', or 'default: mix'");
                ok = false;
            }
            else if (ok && fallback is null)
            {
                var missing = occupations.Select(o => o.Id).Where(o => list.All(r => r.Start != o)).ToList();
                if (missing.Count > 0)
                {
                    cx.R.Error(rows.Node, rows.Path, $"missing 'default': a row for people admitted in any other occupation ({string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")})");
                    ok = false;
                }
            }
            rows.Done();
        }
        m.Done();
        return id is null || !ok ? null : new ExitModel(id, list, fallback);
    }
}
