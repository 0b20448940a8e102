using System.Runtime.InteropServices;

namespace Finsam.Core.Results;

/// <summary>
/// A replicate's result as bytes (little-endian, arrays with their lengths), for stores that would
/// otherwise write it as a JSON tree. Exact: every double keeps its bits.
/// </summary>
public static class ReplicateResultCodec
{
    private const int Version = 2;

    public static byte[] Encode(ReplicateResult r)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Version);
            foreach (var v in (int[])[r.Replicate, r.Months, r.Incomes, r.Occupations, r.Insatser, r.Structural, r.Parties, r.Payers, r.Lines,
                         r.Referrals, r.Served, r.WorkOrStudies, r.Due12, r.SelfSufficient12, r.CounterfactualSelfSufficient12])
                w.Write(v);
            w.Write(r.ParticipantMonths);
            foreach (var a in Ints(r)) Write(w, a);
            Write(w, r.WaitSum);
            Write(w, r.StaySum);
            foreach (var a in Doubles(r)) Write(w, a);
        }
        return stream.ToArray();
    }

    public static ReplicateResult Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        if (r.ReadInt32() != Version) throw new InvalidDataException("unknown replicate result version");
        var h = new int[15];
        for (var k = 0; k < h.Length; k++) h[k] = r.ReadInt32();
        var participantMonths = r.ReadInt64();
        int[] I() => Read<int>(r);
        double[] D() => Read<double>(r);
        return new ReplicateResult
        {
            Replicate = h[0], Months = h[1], Incomes = h[2], Occupations = h[3], Insatser = h[4], Structural = h[5], Parties = h[6], Payers = h[7], Lines = h[8],
            Referrals = h[9], Served = h[10], WorkOrStudies = h[11], Due12 = h[12], SelfSufficient12 = h[13], CounterfactualSelfSufficient12 = h[14],
            ParticipantMonths = participantMonths,
            // The order of Ints() and Doubles().
            Income = I(), CounterfactualIncome = I(), Occupation = I(), Referred = I(), Ineligible = I(), Capacity = I(), Occupancy = I(),
            Queue = I(), Admitted = I(), Planned = I(), Dropouts = I(), Chained = I(), GaveUp = I(), Closed = I(), WaitHistogram = I(),
            ExitOccupation = I(), StartIncome = I(), StartOccupation = I(), ServedByGender = I(),
            ExitIncome = I(), IncomeTransition = I(), OccupationTransition = I(), StayBand = I(),
            WaitSum = Read<long>(r),
            StaySum = Read<long>(r),
            PayerPaid = D(), PayerCounterfactualPaid = D(), PartyContribution = D(), PartyInKind = D(), PartyPaid = D(),
            PartyCounterfactualPaid = D(), LineSpend = D(), InsatsSpend = D(),
        };
    }

    private static int[][] Ints(ReplicateResult r) =>
    [
        r.Income, r.CounterfactualIncome, r.Occupation, r.Referred, r.Ineligible, r.Capacity, r.Occupancy,
        r.Queue, r.Admitted, r.Planned, r.Dropouts, r.Chained, r.GaveUp, r.Closed, r.WaitHistogram,
        r.ExitOccupation, r.StartIncome, r.StartOccupation, r.ServedByGender,
        r.ExitIncome, r.IncomeTransition, r.OccupationTransition, r.StayBand,
    ];

    private static double[][] Doubles(ReplicateResult r) =>
    [
        r.PayerPaid, r.PayerCounterfactualPaid, r.PartyContribution, r.PartyInKind, r.PartyPaid,
        r.PartyCounterfactualPaid, r.LineSpend, r.InsatsSpend,
    ];

    private static void Write<T>(BinaryWriter w, T[] a) where T : unmanaged
    {
        w.Write(a.Length);
        w.Write(MemoryMarshal.AsBytes(a.AsSpan()));
    }

    private static T[] Read<T>(BinaryReader r) where T : unmanaged
    {
        var a = new T[r.ReadInt32()];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(a.AsSpan()));
        return a;
    }
}
