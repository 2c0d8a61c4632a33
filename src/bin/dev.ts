import { keepCompiledCode } from './compile-cache';
import 'reflect-metadata';
import { serve } from '../bootstrap';
import { launchDevelopmentService } from '../development-launcher';

/** `npm start`: the service for development, beside the emulator when no Genesys credentials are set. */
serve(() => launchDevelopmentService(), keepCompiledCode);
