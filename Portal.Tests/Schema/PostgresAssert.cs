using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Tests.Schema;

/// <summary>Asserts that PostgreSQL itself refused a write, with the expected SQLSTATE and constraint.</summary>
public static class PostgresAssert
{
    public static async Task<PostgresException> RefusesAsync(string sqlState, string? constraint, Func<Task> write)
    {
        var thrown = await Record.ExceptionAsync(write);
        var refusal = thrown switch
        {
            PostgresException postgres => postgres,
            DbUpdateException { InnerException: PostgresException postgres } => postgres,
            _ => null,
        };
        Assert.True(refusal is not null,
            thrown is null
                ? $"PostgreSQL accepted the write; expected it to refuse with {sqlState}."
                : $"Expected PostgreSQL to refuse with {sqlState}, but got {thrown.GetType().Name}: {thrown.Message}");
        Assert.True(refusal.SqlState == sqlState, $"Expected SQLSTATE {sqlState}, got {refusal.SqlState}: {refusal.MessageText}");
        if (constraint is not null)
        {
            Assert.Equal(constraint, refusal.ConstraintName);
        }
        return refusal;
    }
}
