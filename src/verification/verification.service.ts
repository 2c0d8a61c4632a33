import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { AttributeLedger } from '../attribute-signature/attribute-ledger';
import { AttributeSigner, type SignatureCheck } from '../attribute-signature/attribute-signer';
import { judgeTiming } from '../attribute-signature/signature-format';
import { ApiError } from '../errors/api-error';
import type { GenesysParticipant } from '../genesys/genesys-models';
import { GenesysClient } from '../genesys/genesys.client';
import { ATTRIBUTE_REGISTRY, type AttributeRegistry } from '../attribute-registry/attribute-definition';
import { CLOCK, type Clock } from '../clock/clock';
import { readAttributeMap } from './attribute-map-input';
import type { BatchItemDto } from './dto/batch-verification.dto';
import type { SignatureCheckDto } from './dto/verification-requests.dto';
import type { VerificationReportDto } from './dto/verification-report.dto';
import {
  isFinding,
  judgeArrival,
  judgeAttributes,
  nothingOfOurs,
  readArrived,
  signedPart,
  type SignatureFinding,
} from './report-judgement';
import { routingUnderPolicy } from './trust-policy';
import { verificationConfig, type VerificationConfig } from './verification.config';
import { OTHER_ATTRIBUTE, ServiceMetrics } from '../metrics/service-metrics';

/**
 * The participant a verdict is about, wherever the participants were read (a conversation GET,
 * analytics job results): the web messaging customer, else the first customer.
 */
export function customerAmong<P extends { purpose?: string }>(
  participants: readonly P[],
  webMessaging: (participant: P) => boolean,
): P | undefined {
  const customers = participants.filter((participant) => participant.purpose === 'customer');
  return customers.find(webMessaging) ?? customers[0];
}

const isWebMessaging = (participant: GenesysParticipant) =>
  participant.messages?.some((media) => media.type === 'webmessaging') ?? false;

/**
 * The hint a report carries: for an unsigned web messaging conversation that carries none of our
 * attributes (whatever a flow wrote beside them), the usual cause (published: Genesys's
 * deprecation of the top-level location).
 */
function hintFor(status: string, nothingOfOursArrived: boolean): string | undefined {
  if (status === 'unsigned' && nothingOfOursArrived) {
    return 'No custom attribute reached this conversation. Messenger sends them with the next message after Database.set; clients that put them in the top-level channel.metadata (ignored since 2026-06-05) deliver none: use message.channel.metadata.customAttributes.';
  }
  return undefined;
}

const seconds = (milliseconds: number) => Math.floor(milliseconds / 1000);

/**
 * What a verdict is reached from: the conversation's start and what reached its customer participant (none:
 * no_customer).
 */
export interface ConversationSnapshot {
  conversationId: string;
  /** ISO 8601; the signature is judged against it. */
  startTime: string;
  customer?: { participantId: string; attributes: Readonly<Record<string, string>>; webMessaging: boolean };
}
const isoFromSeconds = (value: number) => new Date(value * 1000).toISOString();

/**
 * Compares the attributes that reached a Genesys Cloud conversation with what this service
 * issued: the signature proves whether anything changed and whether the set was in force when the
 * conversation started, the ledger (or expected values in the request) says what. The verdict
 * itself is judgeAttributes; this class gathers its inputs.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger(VerificationService.name);

  constructor(
    private readonly genesys: GenesysClient,
    private readonly signer: AttributeSigner,
    private readonly ledger: AttributeLedger,
    @Inject(ATTRIBUTE_REGISTRY) private readonly registry: AttributeRegistry,
    @Inject(verificationConfig.KEY) private readonly config: VerificationConfig,
    private readonly metrics: ServiceMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The report of the conversation a visitor's web message belongs to (what a page or the canary knows: the message
   * id).
   */
  async verifyMessage(messageId: string): Promise<VerificationReportDto> {
    const details = await this.genesys.getMessageDetails(messageId);
    if (!details)
      throw new ApiError(HttpStatus.NOT_FOUND, 'message_not_found', 'Genesys Cloud has no message with this id.');
    return this.verifyConversation(details.conversationId);
  }

  async verifyConversation(
    conversationId: string,
    expectedValues?: Readonly<Record<string, unknown>>,
  ): Promise<VerificationReportDto> {
    const report = await this.report(conversationId, expectedValues);
    this.count(report);
    return report;
  }

  /** Verdicts by status, and attributes that did not match by name: registry names only, visitors choose the others. */
  private count(report: VerificationReportDto): void {
    this.metrics.verifications.inc({ status: report.status });
    for (const row of report.attributes) {
      if (!isFinding(row)) continue;
      const attribute = this.registry.covers(row.name) ? row.name : OTHER_ATTRIBUTE;
      this.metrics.attributeFindings.inc({ attribute, status: row.status });
    }
  }

  private async report(
    conversationId: string,
    expectedValues?: Readonly<Record<string, unknown>>,
  ): Promise<VerificationReportDto> {
    const expected =
      expectedValues === undefined
        ? undefined
        : readAttributeMap(expectedValues, 'expected', this.signer.signatureName);
    const snapshot = await this.snapshotOf(conversationId);
    if (!snapshot)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'conversation_not_found',
        'Genesys Cloud has no conversation with this id.',
      );
    return (await this.judgeSnapshot(snapshot, { expected })).report;
  }

  /**
   * The conversation as `GET /api/v2/conversations/{id}` has it (one rate-limited request); null when Genesys Cloud
   * does not know it.
   */
  async snapshotOf(conversationId: string): Promise<ConversationSnapshot | null> {
    const conversation = await this.genesys.getConversation(conversationId);
    if (!conversation) return null;
    const customer = customerAmong(conversation.participants, isWebMessaging);
    return {
      conversationId,
      startTime: conversation.startTime,
      ...(customer
        ? {
            customer: {
              participantId: customer.id,
              attributes: customer.attributes ?? {},
              webMessaging: isWebMessaging(customer),
            },
          }
        : {}),
    };
  }

  /**
   * The report of a conversation from what reached its customer participant, wherever that was
   * read (a conversation GET, or analytics job results for an audit): the one way a verdict is
   * reached, from one answer. With `cut`, the names whose values analytics may have cut, it also
   * says whether their whole values could change the verdict (see judgeAttributes); and whether
   * none of our attributes arrived (no signature, no name it covers), whatever a flow wrote.
   */
  async judgeSnapshot(
    snapshot: ConversationSnapshot,
    options: { expected?: Readonly<Record<string, string>>; cut?: ReadonlySet<string> } = {},
  ): Promise<{ report: VerificationReportDto; cutMatters: boolean; nothingOfOurs: boolean }> {
    const { conversationId, customer } = snapshot;
    const checkedAt = new Date(this.clock.now()).toISOString();
    if (!customer)
      return {
        report: { conversationId, status: 'no_customer', attributes: [], checkedAt },
        cutMatters: false,
        nothingOfOurs: false,
      };

    const arrivals = readArrived(customer.attributes, this.signer.signatureName);
    const { token, arrived } = arrivals;
    const check =
      token === undefined
        ? undefined
        : this.signer.verify(signedPart(arrived, this.registry.covers), token, arrived[this.registry.identity.name]);
    const startedAtMs = Date.parse(snapshot.startTime);
    const found: SignatureFinding = !check
      ? { kind: 'absent' }
      : check.valid
        ? { kind: 'valid', timing: judgeTiming(check.claims, seconds(startedAtMs)) }
        : { kind: 'invalid', problem: check.reason };
    const nonce = check?.valid ? check.claims.nonce : check?.nonce;
    const issued = nonce === undefined ? undefined : (await this.ledger.find(nonce))?.attributes;

    const input = {
      arrived: new Map(Object.entries(arrived)),
      signature: found,
      issued: issued && new Map(Object.entries(issued)),
      expected: options.expected && new Map(Object.entries(options.expected)),
      registry: this.registry.definitions,
      covers: this.registry.covers,
      cut: options.cut,
    };
    const judgement = judgeAttributes(input);
    const { signature } = judgement;
    const arrival = judgeArrival(signature);
    const noneOfOurs = nothingOfOurs(arrivals, this.registry.covers);
    const hint = hintFor(judgement.status, customer.webMessaging && noneOfOurs);
    const claims = check?.valid && signature.kind === 'valid' ? check.claims : undefined;
    const report: VerificationReportDto = {
      conversationId,
      status: judgement.status,
      ...(hint ? { hint } : {}),
      ...(signature.kind === 'invalid' ? { signatureProblem: signature.problem } : {}),
      participantId: customer.participantId,
      conversationStartedAt: new Date(startedAtMs).toISOString(),
      // Only what a valid MAC vouches for (and the ledger does not contradict); a failed signature's claims are
      // nobody's word.
      ...(claims
        ? {
            userId: claims.userId,
            issuedAt: isoFromSeconds(claims.issuedAt),
            expiresAt: isoFromSeconds(claims.expiresAt),
            signatureVersion: claims.version,
          }
        : {}),
      ...(arrival ? { arrival } : {}),
      attributes: judgement.rows,
      checkedAt,
    };
    return { report, cutMatters: judgement.cutMatters, nothingOfOurs: noneOfOurs };
  }

  /** Each id on its own: one that fails, whatever the reason, is reported in its entry and the others go on. */
  async verifyBatch(conversationIds: readonly string[]): Promise<BatchItemDto[]> {
    // All at once: the Genesys client's rate limiter paces them under the per-token limit.
    return Promise.all(
      conversationIds.map(async (conversationId): Promise<BatchItemDto> => {
        try {
          return { conversationId, report: await this.verifyConversation(conversationId) };
        } catch (error) {
          if (error instanceof HttpException) {
            return {
              conversationId,
              error: {
                statusCode: error.getStatus(),
                error: error instanceof ApiError ? error.code : 'error',
                message: error.message,
              },
            };
          }
          this.logger.error(error instanceof Error ? error : String(error));
          return {
            conversationId,
            error: { statusCode: 500, error: 'internal_error', message: 'This conversation could not be verified.' },
          };
        }
      }),
    );
  }

  /**
   * For an Architect data action at routing time: the signature judged against now, when the conversation is starting.
   */
  checkSignature(attributeValues: Readonly<Record<string, unknown>>): SignatureCheckDto {
    const { token, arrived: attributes } = readArrived(
      readAttributeMap(attributeValues, 'attributes'),
      this.signer.signatureName,
    );
    const routing = (vouched: boolean) =>
      routingUnderPolicy(attributes, this.registry, vouched, this.config.trustPolicy);
    if (token === undefined) return { valid: false, reason: 'missing_signature', ...routing(false) };
    const check: SignatureCheck = this.signer.verify(
      signedPart(attributes, this.registry.covers),
      token,
      attributes[this.registry.identity.name],
    );
    if (!check.valid) return { valid: false, reason: check.reason, ...routing(false) };
    const timing = judgeTiming(check.claims, seconds(this.clock.now()));
    if (timing !== 'current') return { valid: false, reason: timing, ...routing(false) };
    return {
      valid: true,
      reason: 'valid',
      userId: check.claims.userId,
      expiresAt: isoFromSeconds(check.claims.expiresAt),
      ...routing(true),
    };
  }
}
