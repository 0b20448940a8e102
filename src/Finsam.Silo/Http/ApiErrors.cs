using Finsam.Core.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Finsam.Silo.Http;

/// <summary>
/// How the API refuses: RFC 9457 problem details (application/problem+json) with a title and, for a
/// scenario, <c>problems</c> with file, line, column, field and message. Titles pass through the
/// identity-number mask like every other output.
/// </summary>
public static class ApiErrors
{
    public static IResult Problem(int status, string title, IReadOnlyList<ApiProblem>? problems = null)
    {
        var details = new ProblemDetails { Status = status, Title = PersonnummerGuard.MaskAll(title) };
        if (problems is not null) details.Extensions["problems"] = problems;
        return Results.Problem(details);
    }

    /// <summary>The status of an exception no endpoint caught: 4xx for what a client sent, 500 only for a server fault.</summary>
    public static int StatusFor(Exception e) => e switch
    {
        BadHttpRequestException b => b.StatusCode,
        ScenarioException or FormatException or System.Text.DecoderFallbackException => StatusCodes.Status400BadRequest,
        OperationCanceledException => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>A title for an exception no endpoint caught; a scenario's problems keep their (masked) text, anything else a fixed phrase.</summary>
    public static string TitleFor(Exception e) => e switch
    {
        ScenarioException s => s.Message,
        BadHttpRequestException b => b.Message,
        _ => "the server could not answer this request",
    };
}
