using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class CustomerSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gist", ",,")
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:btree_gist", ",,");

            migrationBuilder.AlterColumn<string>(
                name: "address_pin_code",
                table: "customers",
                type: "character varying(6)",
                maxLength: 6,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character(6)",
                oldFixedLength: true,
                oldMaxLength: 6);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "customers",
                type: "character varying(221)",
                maxLength: 221,
                nullable: false,
                computedColumnSql: "lower(name || ' ' || address_area)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_customers_area",
                table: "customers",
                column: "address_area");

            migrationBuilder.CreateIndex(
                name: "ix_customers_created_at",
                table: "customers",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_customers_mobile_trgm",
                table: "customers",
                column: "mobile")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_customers_name_id",
                table: "customers",
                columns: new[] { "name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_customers_pin_code",
                table: "customers",
                column: "address_pin_code");

            migrationBuilder.CreateIndex(
                name: "ix_customers_pin_code_trgm",
                table: "customers",
                column: "address_pin_code")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_customers_search_text_trgm",
                table: "customers",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_customers_area",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_created_at",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_mobile_trgm",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_name_id",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_pin_code",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_pin_code_trgm",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "ix_customers_search_text_trgm",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "customers");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gist", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:btree_gist", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AlterColumn<string>(
                name: "address_pin_code",
                table: "customers",
                type: "character(6)",
                fixedLength: true,
                maxLength: 6,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(6)",
                oldMaxLength: 6);
        }
    }
}
