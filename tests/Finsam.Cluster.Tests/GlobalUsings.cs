global using Orleans;
global using Xunit;
global using Xunit.Abstractions;
