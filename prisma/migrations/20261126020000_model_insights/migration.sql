ALTER TABLE "ModelVersion" ADD COLUMN "insights" JSONB;
