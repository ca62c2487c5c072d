/** Queue policies tests set where AWS requires one (a topic or a rule sending into a queue). */

/**
 * The queue policy AWS requires for `service` (SNS by default) to deliver into `queueArn` from the topics matching
 * `sourceArnPattern` (an ArnLike pattern, e.g. `arn:aws:sns:us-east-1:123456789012:*`).
 */
export function serviceSendPolicy(queueArn: string, sourceArnPattern: string, service = "sns.amazonaws.com"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowServiceSend",
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnLike: { "aws:SourceArn": sourceArnPattern } },
      },
    ],
  });
}
