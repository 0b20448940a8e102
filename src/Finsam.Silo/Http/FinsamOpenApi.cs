using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Finsam.Silo.Http;

/// <summary>
/// What the served OpenAPI document (/openapi/v1.json) says beyond the endpoints' own metadata, so
/// a standard linter passes it and a generated client works: the API-key scheme, the tags with
/// their descriptions, the licence, and a server address without a trailing slash.
/// </summary>
public static class FinsamOpenApi
{
    public const string ApiKeyScheme = "apiKey";
    public const string ScenariosTag = "scenarios";
    public const string RunsTag = "runs";
    public const string PlanningTag = "planning";

    public static void Configure(OpenApiOptions o, HttpOptions http) => o.AddDocumentTransformer((doc, _, _) =>
    {
        doc.Info.Title = "Finsam API";
        doc.Info.Description = "Run Finsam's forecasts for samordningsförbund: submit a scenario, follow the run, fetch its result.json and board report.";
        // Assumption: the repository states no licence, so none is granted; replace when one is chosen.
        doc.Info.License = new OpenApiLicense { Name = "No licence granted (all rights reserved)", Identifier = "LicenseRef-AllRightsReserved" };
        foreach (var server in doc.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');

        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = HttpOptions.ApiKeyHeader,
            Description = "The server's API key (finsam serve --api-key, Http:ApiKey). A server bound to loopback may run without one.",
        };
        var withKey = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, doc)] = [] };
        // Without a key configured the requirement is optional (the empty alternative).
        doc.Security = string.IsNullOrEmpty(http.ApiKey) ? [withKey, new OpenApiSecurityRequirement()] : [withKey];

        doc.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = ScenariosTag, Description = "The shipped scenarios, and checking an uploaded one." },
            new() { Name = RunsTag, Description = "Runs: start one, follow its progress, cancel it, fetch its result and report." },
            new() { Name = PlanningTag, Description = "Questions for planners answered from a scenario, such as an insats's throughput." },
        };
        return Task.CompletedTask;
    });
}
